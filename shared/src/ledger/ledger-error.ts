/** A ledger rule was broken; `field` names the offending part of the entry. */
export class LedgerRuleError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`ledger entry ${field}: ${message}`);
    this.name = 'LedgerRuleError';
    this.field = field;
  }
}

/**
 * An error that becomes an RFC 9457 problem-details response. `field` names the request field
 * at fault (JSON pointer style, e.g. `/amountMinor`), so clients and staff see what to fix.
 *
 * @example new Problem(422, 'unknown-account', 'account 1001 does not exist', '/accountNumber')
 *   → 422 { type: 'urn:gridbill:problem:unknown-account', title: 'Unknown account',
 *           status: 422, detail: 'account 1001 does not exist', field: '/accountNumber' }
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly field?: string,
  ) {
    super(detail);
    this.name = 'Problem';
  }

  toJSON(): ProblemBody {
    const title = this.code.replaceAll('-', ' ');
    return {
      type: `urn:gridbill:problem:${this.code}`,
      title: title.charAt(0).toUpperCase() + title.slice(1),
      status: this.status,
      detail: this.detail,
      ...(this.field === undefined ? {} : { field: this.field }),
    };
  }
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  field?: string;
}

export const notFound = (what: string, id: string, field?: string) =>
  new Problem(field ? 422 : 404, `unknown-${what}`, `${what} ${id} does not exist`, field);

import type { UpstreamEvent } from './upstream-events.js';

/** What a gateway is allowed to report about (central's current assignments). */
export interface GatewayScope {
  ownsMeter(meterId: string): boolean;
  ownsAccount(accountId: string): boolean;
}

/**
 * Meter and account ids an event refers to, per kind (the table central checks).
 * Example: a charge for meter 'm1', account 'a1' → { meterIds: ['m1'], accountIds: ['a1'] }.
 */
export function eventReferences(event: UpstreamEvent): {
  meterIds: string[];
  accountIds: string[];
} {
  switch (event.kind) {
    case 'reading':
    case 'interval':
    case 'relay-event':
      return { meterIds: [event.body.meterId], accountIds: [] };
    case 'charge':
      return { meterIds: [event.body.meterId], accountIds: [event.body.accountId] };
    case 'balance-change':
    case 'token-redemption':
      return { meterIds: [], accountIds: [event.body.accountId] };
    case 'interval-block':
      return { meterIds: event.body.meterIds, accountIds: event.body.accountIds };
    case 'alarm':
      return { meterIds: event.body.meterId === null ? [] : [event.body.meterId], accountIds: [] };
  }
}

/**
 * Why this gateway may not report this event, or null when it may. Central quarantines the
 * event with the reason (and still acks it), so a mis-assigned meter never blocks the stream.
 * Example: gateway gw-1 reporting meter m9 of another gateway →
 *   'seq 12 (interval): meter m9 is not assigned to gateway gw-1'.
 */
export function ownershipViolation(
  gatewayId: string,
  event: UpstreamEvent,
  scope: GatewayScope,
): string | null {
  const { meterIds, accountIds } = eventReferences(event);
  const where = `seq ${event.seq} (${event.kind})`;
  const meter = meterIds.find((id) => !scope.ownsMeter(id));
  if (meter !== undefined)
    return `${where}: meter ${meter} is not assigned to gateway ${gatewayId}`;
  const account = accountIds.find((id) => !scope.ownsAccount(id));
  if (account !== undefined) {
    return `${where}: account ${account} is not served by gateway ${gatewayId}`;
  }
  return null;
}

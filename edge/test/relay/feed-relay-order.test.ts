import { type DownstreamChange, upstreamBodySchemas } from '@gridbill/shared/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayJournalRunner } from '../../src/engine/index.js';
import { applyChange } from '../../src/sync/apply-change.js';
import { ensureInboxTables } from '../../src/sync/inbox.js';
import { type EngineFixture, engineFixture, FakeRelay } from '../support/engine-fixture.js';

let fx: EngineFixture;
let runner: RelayJournalRunner | undefined;
afterEach(() => {
  runner?.stop();
  fx?.close();
});

function change(cseq: number, body: Record<string, unknown>): DownstreamChange {
  const now = fx.clock.wallMs();
  return {
    cseq,
    changeId: `0193a2c4-5e6f-7a80-9b1c-2d3e4f5061${String(cseq).padStart(2, '0')}`,
    kind: 'relay-order',
    body: {
      orderId: `ord-${cseq}`,
      meterId: 'm1',
      action: 'disconnect',
      priority: 5,
      reason: 'central order',
      issuedAtMs: now - 1_000,
      expiresAtMs: now + 3_600_000,
      ...body,
    },
  } as DownstreamChange;
}

function relayEvents() {
  return fx.engine.outbox
    .read(0, 1_000)
    .filter((r) => r.kind === 'relay-event')
    .map((r) => upstreamBodySchemas['relay-event'].parse(JSON.parse(r.body)));
}

describe('relay orders from the change feed', () => {
  it('are executed in the inbox transaction and their outcome goes upstream', async () => {
    fx = engineFixture();
    ensureInboxTables(fx.engine.deps.db);
    const relay = new FakeRelay();
    runner = new RelayJournalRunner(fx.engine, relay);
    expect(applyChange(fx.engine, change(1, {}), { feedEpoch: 'e1', cseq: 1 })).toBe('applied');
    await runner.idle(); // started by the commit, no kick needed
    expect(relay.sent).toEqual(['m1:open']);
    expect(relayEvents()).toEqual([
      {
        meterId: 'm1',
        commandId: 'ord-1',
        action: 'disconnect',
        outcome: 'done',
        reason: 'central order',
        relayStateAfter: 'disconnected',
      },
    ]);
    // redelivered (same change): the inbox drops it; the order id also dedupes other sources
    expect(applyChange(fx.engine, change(1, {}), { feedEpoch: 'e1', cseq: 1 })).toBe('duplicate');
    const now = fx.clock.wallMs();
    const expired = change(2, { action: 'connect', expiresAtMs: now - 1, issuedAtMs: now - 9 });
    expect(applyChange(fx.engine, expired, { feedEpoch: 'e1', cseq: 2 })).toBe('applied');
    await runner.idle();
    expect(relay.sent).toEqual(['m1:open']);
    expect(relayEvents().map((e) => [e.commandId, e.outcome])).toEqual([
      ['ord-1', 'done'],
      ['ord-2', 'expired'],
    ]);
  });
});

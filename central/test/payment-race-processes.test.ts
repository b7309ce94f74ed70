import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, seedAccount, startHarness } from './helpers/api-harness.js';
import { BACKENDS, backendTitle } from './helpers/backends.js';

const CHILD = join(import.meta.dirname, 'helpers', 'serve-child.ts');

/** Starts a second server process on the same store; resolves with its URL. */
function startChild(options: unknown): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn('node', ['--import', 'tsx', CHILD, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /listening (http:\/\/\S+)/.exec(buf);
      if (m) resolve({ url: m[1]!, proc });
    });
    proc.once('exit', (code) => reject(new Error(`child exited ${code}`)));
  });
}

describe.each(BACKENDS)('payment races across two server processes: $name', (b) => {
  describe.skipIf(b.skip !== false)(backendTitle(b), () => {
    let h: Harness;
    let child: { url: string; proc: ChildProcess } | undefined;
    beforeAll(async () => {
      h = await startHarness(b);
      await seedAccount(h, '1001', 'postpaid');
      child = await startChild(h.store.opened);
    });
    afterAll(async () => {
      child?.proc.kill('SIGTERM');
      await h?.close();
    });

    const post = (url: string, key: string, channel: string, txn: string) =>
      fetch(`${url}/api/payments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${h.tokens.admin}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify({
          channel,
          provider: 'mpesa',
          providerTxnId: txn,
          accountNumber: '1001',
          amountMinor: 700,
          currency: 'KES',
        }),
      });

    it('one provider transaction through both processes and two channels → one entry', async () => {
      const urls = [h.server.url, child!.url];
      const res = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          post(urls[i % 2]!, `race-key-${i}`, i % 4 < 2 ? 'webhook' : 'bank-file', 'RACE-1'),
        ),
      );
      const statuses = res.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.every((s) => s === 201 || s === 200)).toBe(true);
      const entries = await h.store.db
        .selectFrom('ledger_entries')
        .select('id')
        .where('external_ref', '=', 'mpesa:RACE-1')
        .execute();
      expect(entries).toHaveLength(1);
    });

    it('one idempotency key sent to both processes at once → one entry', async () => {
      const urls = [h.server.url, child!.url];
      const res = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          post(urls[i % 2]!, 'race-same-key', 'webhook', 'RACE-2'),
        ),
      );
      const fresh = res.filter((r) => r.headers.get('idempotent-replayed') === 'false');
      expect(fresh).toHaveLength(1);
      expect(res.every((r) => r.status === 201 || r.status === 409)).toBe(true);
      const entries = await h.store.db
        .selectFrom('ledger_entries')
        .select('id')
        .where('external_ref', '=', 'mpesa:RACE-2')
        .execute();
      expect(entries).toHaveLength(1);
      const verify = await h.call('auditor', 'GET', '/api/ledger/verify');
      expect(verify.body.ok).toBe(true);
    });
  });
});

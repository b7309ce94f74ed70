import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** The operator CLI as users run it (bin/gridbill-edge.js), with no daemon running. */
const BIN = join(import.meta.dirname, '../../bin/gridbill-edge.js');
const dir = mkdtempSync(join(tmpdir(), 'gw-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const config = join(dir, 'gateway.yaml');
writeFileSync(
  config,
  [
    'gatewayId: gw-cli',
    'siteTimeZone: Africa/Nairobi',
    'currency: KES',
    `dataDir: ${join(dir, 'data')}`,
    'http: { host: 127.0.0.1, port: 1 }', // nothing listens: commands use the store
    'buses: [{ id: tcp, kind: tcp }]',
    'accounts: [{ id: A1, mode: prepaid, tariffId: flat, openingBalanceMinor: 700 }]',
    'meters:',
    '  - { id: m1, protocol: modbus, bus: tcp, profile: gridbill-prepaid, host: 127.0.0.1,',
    '      accountId: A1 }',
  ].join('\n'),
);

describe('gridbill-edge operator commands (daemon not running)', () => {
  // each run starts node + tsx (seconds on a loaded 2-core machine)
  it('status, relay order and a rejected token go through the store', { timeout: 120_000 }, () => {
    const status = cli('status', '--config', config);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({
      gatewayId: 'gw-cli',
      daemon: 'not running',
      balances: [{ accountId: 'A1', balanceMinor: '700' }],
    });
    const relay = cli('relay', 'm1', 'open', '--reason', 'meter swap', '--config', config);
    expect(relay.code).toBe(0);
    expect(JSON.parse(relay.out)).toMatchObject({
      outcome: 'accepted',
      commandId: expect.stringMatching(/^op-/),
    });
    expect(JSON.parse(cli('status', '--config', config).out).pendingCommands).toMatchObject([
      { meterId: 'm1', action: 'open', status: 'pending' },
    ]);
    const token = cli('token', 'redeem', 'AAAA', '--config', config);
    expect(token.code).toBe(3);
    expect(JSON.parse(token.out)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('safe mode set without a daemon holds from the next start', { timeout: 120_000 }, () => {
    const on = cli('safe-mode', 'on', '--reason', 'backup restored', '--config', config);
    expect(on.code).toBe(0);
    expect(JSON.parse(on.out)).toMatchObject({
      safeMode: true,
      causes: [{ cause: 'manual', reason: 'operator: backup restored' }],
    });
    expect(JSON.parse(cli('status', '--config', config).out)).toMatchObject({ safeMode: true });
    const off = cli('safe-mode', 'off', '--reason', 'store checked', '--config', config);
    expect(JSON.parse(off.out)).toMatchObject({ safeMode: false, causes: [] });
  });

  it('bad input exits 2 with the problem named', () => {
    expect(cli('relay', 'm1', 'toggle', '--reason', 'x y z', '--config', config)).toMatchObject({
      code: 2,
      err: expect.stringContaining('action must be "open", "close", "lock" or "unlock"'),
    });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ gatewayId: 'GW 1', siteTimeZone: 'Mars/Base' }));
    const r = cli('status', '--config', bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain('siteTimeZone: is not a known IANA time zone');
  });
});

/**
 * The production file deploy/mosquitto/gridbill.conf (both listeners, TLS included) starts on
 * Mosquitto with exactly the listeners it declares (a misplaced per-listener option once
 * opened a stray 0.0.0.0:1883 listener) and accepts a gateway over TLS.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';

const DEPLOY = new URL('../../../deploy/mosquitto/', import.meta.url);
const MOSQUITTO = process.env.GRIDBILL_MOSQUITTO_BIN ?? 'mosquitto';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  await new Promise<void>((ok) => server.close(() => ok()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('deploy/mosquitto/gridbill.conf on Mosquitto', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gridbill-mosquitto-conf-'));
  chmodSync(dir, 0o755);
  let broker: ReturnType<typeof spawn> | null = null;
  afterAll(() => {
    broker?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens exactly its two listeners and serves a gateway over TLS', async () => {
    const [plainPort, tlsPort] = [await freePort(), await freePort()];
    const cert = join(dir, 'broker.crt');
    const key = join(dir, 'broker.key');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const passwd = join(dir, 'gridbill.passwd');
    execFileSync(new URL('add-gateway.sh', DEPLOY).pathname, ['gw-a', passwd], {
      env: { ...process.env, GRIDBILL_GW_PASSWORD: 'pa' },
      stdio: 'ignore',
    });
    writeFileSync(join(dir, 'gridbill.acl'), readFileSync(new URL('gridbill.acl', DEPLOY)));
    for (const file of [cert, key, passwd, join(dir, 'gridbill.acl')]) chmodSync(file, 0o644);
    const conf = readFileSync(new URL('gridbill.conf', DEPLOY), 'utf8')
      .replace(/^password_file .*/m, `password_file ${passwd}`)
      .replace(/^acl_file .*/m, `acl_file ${join(dir, 'gridbill.acl')}`)
      .replace(/^listener 1883 127\.0\.0\.1$/m, `listener ${plainPort} 127.0.0.1`)
      .replace(/^listener 8883$/m, `listener ${tlsPort} 127.0.0.1`)
      .replace(/^certfile .*/m, `certfile ${cert}`)
      .replace(/^keyfile .*/m, `keyfile ${key}`);
    writeFileSync(join(dir, 'mosquitto.conf'), `${conf}\nlog_dest stderr\nlog_type all\n`);
    chmodSync(join(dir, 'mosquitto.conf'), 0o644);

    const proc = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')]);
    broker = proc;
    let log = '';
    proc.stderr.on('data', (d: Buffer) => (log += d.toString()));
    for (let i = 0; i < 200 && !log.includes(' running'); i += 1) {
      if (proc.exitCode !== null) throw new Error(`mosquitto exited: ${log}`);
      await new Promise((ok) => setTimeout(ok, 25));
    }
    const ports = [...log.matchAll(/Opening ipv[46] listen socket on port (\d+)/g)].map((m) =>
      Number(m[1]),
    );
    expect(new Set(ports)).toEqual(new Set([plainPort, tlsPort]));

    const gw = await connectAsync(`mqtts://127.0.0.1:${tlsPort}`, {
      username: 'gw-a',
      password: 'pa',
      clientId: 'gw-a',
      ca: readFileSync(cert),
      reconnectPeriod: 0,
    });
    expect(gw.connected).toBe(true);
    await gw.endAsync(true);
  });
});

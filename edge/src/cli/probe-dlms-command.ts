import { randomBytes } from 'node:crypto';
import { createSystemClock } from '@gridbill/shared/clock';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type ProbeCommand, type ProbeOptions, runProbe } from '../dlms/probe.js';

/**
 * `gridbill-edge probe dlms [connection options] COMMAND`: reads or commands one meter and
 * prints the decoded result as type-tagged JSON.
 *
 * Example: `probe dlms --host 10.0.0.7 --port 4059 --transport wrapper get 8:0.0.1.0.0.255:2`
 * → `{"type":"octet-string","hex":"07EA0B1C...","dateTime":"2026-11-28T05:21:41.000Z"}`.
 * Exit codes: 2 bad input, 3 timeout, 4 association rejected (AARE diagnostic), 5 access
 * denied / data access error, 6 decode error (with byte offset), 7 security, 1 other.
 */
export function registerProbeDlms(probe: Command): void {
  const dlms = probe
    .command('dlms')
    .description('talk DLMS/COSEM to one meter (TCP wrapper, HDLC over TCP or serial)')
    .option('--host <host>', 'meter host', '127.0.0.1')
    .option('--port <port>', 'meter TCP port', int('--port', 0, 65535), 4059)
    .addOption(
      new Option('--transport <kind>', 'framing').choices(['wrapper', 'hdlc']).default('wrapper'),
    )
    .option('--serial <device>', 'serial device (implies HDLC), e.g. /dev/ttyUSB0')
    .option('--baud <n>', 'serial baud rate', int('--baud', 300, 921600), 9600)
    .option('--client-address <n>', 'client SAP', int('--client-address', 0, 127), 16)
    .option('--server-address <n>', 'server logical address', int('--server-address', 0, 0x3fff), 1)
    .addOption(
      new Option('--auth <level>', 'authentication')
        .choices(['none', 'low', 'high-gmac'])
        .default('none'),
    )
    .option('--password <secret>', 'LLS password (--auth low)')
    .option('--system-title <hex>', 'client system title, 8 bytes hex (--auth high-gmac)')
    .option('--auth-key <hex>', 'authentication key, 16 bytes hex')
    .option('--block-cipher-key <hex>', 'global unicast encryption key, 16 bytes hex')
    .option('--invocation-counter-obis <obis>', 'read the IC from this Data object first')
    .option('--ic-state <file>', 'JSON file keeping reserve-ahead invocation counters')
    .option('--timeout <ms>', 'response timeout', int('--timeout', 1, 600_000), 5000);

  const run = async (cmd: ProbeCommand) => {
    const o = dlms.opts();
    const options: ProbeOptions = {
      ...(o as Omit<ProbeOptions, 'timeoutMs'>),
      timeoutMs: o.timeout,
      warn: (message) => process.stderr.write(`gridbill-edge: warning: ${message}\n`),
    };
    const out = await runProbe(options, cmd, createSystemClock(), (n) =>
      Uint8Array.from(randomBytes(n)),
    );
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  };

  dlms
    .command('get <target>')
    .description('GET CLASS:OBIS:ATTR, e.g. 8:0.0.1.0.0.255:2')
    .action((target: string) => run({ kind: 'get', target }));
  dlms
    .command('set <target> <valueJson>')
    .description('SET CLASS:OBIS:ATTR to a type-tagged JSON value')
    .action((target: string, valueJson: string) => run({ kind: 'set', target, valueJson }));
  dlms
    .command('action <target> [dataJson]')
    .description(
      'ACTION CLASS:OBIS:METHOD, e.g. 70:0.0.96.3.10.255:1 \'{"type":"integer","value":0}\'',
    )
    .action((target: string, dataJson?: string) =>
      run({ kind: 'action', target, ...(dataJson ? { dataJson } : {}) }),
    );
  dlms
    .command('objects')
    .description('list the association object list')
    .action(() => run({ kind: 'objects' }));
  dlms
    .command('profile <obis>')
    .description('read a profile generic by time range')
    .requiredOption('--from <iso>', 'start, ISO 8601 with zone')
    .requiredOption('--to <iso>', 'end (inclusive), ISO 8601 with zone')
    .action((obis: string, opts: { from: string; to: string }) =>
      run({ kind: 'profile', obis, from: opts.from, to: opts.to }),
    );
}

function int(name: string, min: number, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer ${min}..${max}`);
    }
    return n;
  };
}

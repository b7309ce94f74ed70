import { REGISTER_MAPS, registerMapById } from '@gridbill/shared/modbus';
import type { Command } from 'commander';
import {
  closeModbus,
  connectModbusRtu,
  connectModbusTcp,
  type ModbusClient,
} from '../polling/modbus-client.js';
import { ModbusLink } from '../polling/modbus-link.js';
import { toJson } from '../store/json.js';
import { badInput } from './local-api.js';

interface ProbeModbusOptions {
  host: string;
  port: string;
  device?: string;
  baud: string;
  parity: 'none' | 'even' | 'odd';
  unit: string;
  profile: string;
  timeout: string;
  relay?: string;
}

/**
 * `probe modbus`: reads one meter's energy register, clock and relay through the shared register
 * map and prints JSON; `--relay open|close` switches the relay and reads it back.
 *
 * Example: `gridbill-edge probe modbus --port 5020 --unit 1 --profile gridbill-prepaid`
 * → `{"profile":"gridbill-prepaid","unit":1,"importWh":12345,"meterClockMs":…,"relay":"closed"}`
 */
export function registerProbeModbus(probe: Command): void {
  probe
    .command('modbus')
    .description('read (or switch) one Modbus meter via TCP or an RS-485 serial device')
    .option('--host <host>', 'Modbus TCP host', '127.0.0.1')
    .option('--port <port>', 'Modbus TCP port', '502')
    .option('--device <path>', 'serial device for Modbus RTU (e.g. /dev/ttyUSB0)')
    .option('--baud <n>', 'RTU baud rate', '9600')
    .option('--parity <p>', 'RTU parity: none, even, odd', 'even')
    .option('--unit <id>', 'unit id (slave address)', '1')
    .option(
      '--profile <map>',
      `register map: ${Object.keys(REGISTER_MAPS).join(', ')}`,
      'gridbill-prepaid',
    )
    .option('--timeout <ms>', 'response timeout', '1000')
    .option('--relay <action>', 'open | close the relay, then read it back')
    .action(async (o: ProbeModbusOptions) => {
      const unit = whole('--unit', o.unit, 1, 247);
      const timeoutMs = whole('--timeout', o.timeout, 10, 60_000);
      if (!REGISTER_MAPS[o.profile]) throw badInput(`unknown --profile "${o.profile}"`);
      if (o.relay !== undefined && o.relay !== 'open' && o.relay !== 'close')
        throw badInput(`--relay must be "open" or "close", got "${o.relay}"`);
      if (!['none', 'even', 'odd'].includes(o.parity)) throw badInput(`bad --parity "${o.parity}"`);
      const client = await connect(o, timeoutMs);
      try {
        const link = new ModbusLink(client, unit, registerMapById(o.profile), `unit-${unit}`);
        if (o.relay) await link.switchRelay(o.relay as 'open' | 'close');
        const read = await link.readEnergy();
        const relay = await link.readRelay().catch((e: Error) => `unreadable: ${e.message}`);
        const meterClockMs = read.meterClockMs ?? null;
        const out = { profile: o.profile, unit, importWh: read.valueWh, meterClockMs, relay };
        process.stdout.write(`${toJson(out)}\n`);
      } finally {
        await closeModbus(client);
      }
    });
}

function connect(o: ProbeModbusOptions, timeoutMs: number): Promise<ModbusClient> {
  if (o.device)
    return connectModbusRtu({
      device: o.device,
      baudRate: whole('--baud', o.baud, 300, 921_600),
      parity: o.parity,
      stopBits: 1,
      timeoutMs,
    });
  return connectModbusTcp(o.host, whole('--port', o.port, 1, 65_535), timeoutMs);
}

function whole(name: string, text: string, min: number, max: number): number {
  const n = Number.parseInt(text, 10);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw badInput(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  return n;
}

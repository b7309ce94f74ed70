import ModbusSerial from 'modbus-serial';
import { type ModbusClient, ModbusTcpClient } from './modbus-tcp-client.js';

export type { ModbusClient } from './modbus-tcp-client.js';

/** The modbus-serial client (CommonJS: `module.exports` and `.default` are the class). */
const ModbusRTU = ModbusSerial.default;

/**
 * Connects a Modbus TCP client (one per TCP meter): the gateway's own lean client, since a
 * TCP bus may carry thousands of meters polled back to back (bench/edge-tcp-poll.ts).
 *
 * @example
 * await connectModbusTcp('127.0.0.1', 5020, 1000) // → connected client, timeout 1000 ms
 */
export function connectModbusTcp(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<ModbusClient> {
  return ModbusTcpClient.connect(host, port, timeoutMs);
}

/** Opens an RTU bus (one modbus-serial client shared by every meter on it). */
export async function connectModbusRtu(bus: {
  device: string;
  baudRate: number;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
  timeoutMs: number;
}): Promise<ModbusClient> {
  const client = new ModbusRTU();
  await client.connectRTUBuffered(bus.device, {
    baudRate: bus.baudRate,
    parity: bus.parity,
    stopBits: bus.stopBits,
    dataBits: 8,
  });
  client.setTimeout(bus.timeoutMs);
  return client;
}

export function closeModbus(client: ModbusClient): Promise<void> {
  return new Promise((resolve) => {
    if (!client.isOpen) return resolve();
    client.close(() => resolve());
  });
}

import ModbusSerial from 'modbus-serial';

/** The modbus-serial client (CommonJS: `module.exports` and `.default` are the class). */
const ModbusRTU = ModbusSerial.default;
export type ModbusClient = InstanceType<typeof ModbusRTU>;

/**
 * Connects a Modbus TCP client (one per TCP meter).
 *
 * @example
 * await connectModbusTcp('127.0.0.1', 5020, 1000) // → connected client, timeout 1000 ms
 */
export async function connectModbusTcp(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<ModbusClient> {
  const client = new ModbusRTU();
  await client.connectTCP(host, { port });
  client.setTimeout(timeoutMs);
  return client;
}

/** Opens an RTU bus (one client shared by every meter on it). */
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

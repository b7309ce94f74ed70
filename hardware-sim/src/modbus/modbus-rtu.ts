import { type IServiceVector, ServerSerial } from 'modbus-serial';
import { corruptFrame, frameUnitId } from './frame-corruption.js';

export interface OpenBus {
  path: string;
  close(): Promise<void>;
}

interface Writable {
  write(chunk: Buffer): boolean;
}

/**
 * Modbus RTU on one serial bus (a real port or one end of a socat PTY pair). Every unit id on
 * the bus is served by `vector`; unit ids without a meter stay silent as on a real multi-drop
 * RS-485 line. `corrupt(unitId)` inverts the CRC of that unit's responses.
 */
export async function startModbusRtu(options: {
  path: string;
  baudRate: number;
  vector: IServiceVector;
  corrupt(unitId: number): boolean;
}): Promise<OpenBus> {
  const port: { current?: Writable } = {};
  const portResponse: Writable = {
    write: (chunk) => {
      const unit = frameUnitId(chunk, 'rtu');
      const out = unit !== undefined && options.corrupt(unit) ? corruptFrame(chunk, 'rtu') : chunk;
      return port.current?.write(out) ?? false;
    },
  };
  let server: ServerSerial | undefined;
  await new Promise<void>((resolve, reject) => {
    server = new ServerSerial(options.vector, {
      path: options.path,
      baudRate: options.baudRate,
      unitID: 255,
      interval: frameGapMs(options.baudRate),
      portResponse,
      openCallback: (err: Error | null) => {
        if (err) reject(new Error(`modbus rtu ${options.path}: ${err.message}`));
        else resolve();
      },
    } as unknown as ConstructorParameters<typeof ServerSerial>[1]);
    port.current = (server as unknown as { _serverPath: Writable })._serverPath;
  });
  return {
    path: options.path,
    close: () => new Promise<void>((resolve) => server!.close(() => resolve())),
  };
}

/**
 * Silence that ends an RTU frame: 3.5 characters of 11 bits at the bus speed, plus 2 ms slack
 * for the OS (PTYs deliver in bursts).
 * @example frameGapMs(9600) // 7
 * @example frameGapMs(1200) // 35
 */
export function frameGapMs(baudRate: number): number {
  return Math.ceil((3.5 * 11 * 1000) / baudRate) + 2;
}

import { createSystemClock } from '@gridbill/shared/clock';
import { judgeReadBack } from '@gridbill/shared/relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryCounterStore } from '../../src/dlms/index.js';
import { DlmsLink } from '../../src/polling/dlms-link.js';
import { KEYS, loadSim, seededRandom } from '../dlms/support.js';

/** Class 70 attributes 2–4 read over DLMS (HLS-GMAC) from the simulator's meter. */
let server: { port: number; close(): Promise<void> };
let link: DlmsLink;

beforeAll(async () => {
  const sim = await loadSim();
  const meter = sim.createMemoryMeter({
    serial: 'DLMS-0002',
    clockMs: () => Date.UTC(2026, 2, 2, 10),
    profileStartMs: Date.UTC(2026, 2, 2),
  });
  server = await sim.startDlmsServer({
    backend: (address: number) => (address === 1 ? meter : undefined),
    transport: 'wrapper',
    port: 0,
  });
  link = new DlmsLink(
    {
      transport: 'wrapper',
      host: '127.0.0.1',
      port: server.port,
      clientAddress: 1,
      serverAddress: 1,
      auth: 'high-gmac',
      keys: KEYS,
    },
    createSystemClock(),
    seededRandom(2),
    memoryCounterStore(1),
  );
});

afterAll(async () => {
  await link?.close();
  await server?.close();
});

describe('DLMS relay read-back with control state and mode', () => {
  it('reads output_state, control_state and control_mode after each command', async () => {
    await link.switchRelay('open');
    const open = await link.readRelayStatus();
    expect(open).toEqual({ output: 'open', controlState: 'disconnected' });
    expect(judgeReadBack('open', open)).toBe('disconnected');
    await link.switchRelay('close');
    const closed = await link.readRelayStatus();
    expect(closed).toEqual({ output: 'closed' }); // closed = connected in every mode
    expect(judgeReadBack('close', closed)).toBe('connected');
  });
});

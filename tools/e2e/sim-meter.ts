import type { Stack } from './stack.js';

interface SimMeter {
  relay: { state: string; outputState: boolean };
  registers: { importWh: number };
}

/** The simulated meter's relay output as its control API reports it: true = closed (supply on). */
export async function simRelayClosed(stack: Stack, planMeterId: string): Promise<boolean> {
  const m = await stack.simJson<SimMeter>(`/api/meters/${planMeterId}`);
  return m.relay.outputState;
}

/** The simulated meter's import register (Wh), e.g. 1012754. */
export async function simImportWh(stack: Stack, planMeterId: string): Promise<number> {
  const m = await stack.simJson<SimMeter>(`/api/meters/${planMeterId}`);
  return m.registers.importWh;
}

/** Modbus requests the simulator answered (`gridbill_sim_modbus_requests_total{outcome="ok"}`). */
export async function simModbusAnswered(stack: Stack): Promise<number> {
  const res = await fetch(`${stack.simUrl}/metrics`);
  const text = await res.text();
  const m = /gridbill_sim_modbus_requests_total\{outcome="ok"\} (\d+)/.exec(text);
  return m?.[1] ? Number.parseInt(m[1], 10) : 0;
}

import { Counter, Gauge, Registry } from 'prom-client';
import type { Simulator } from '../sim/simulator.js';

export interface SimMetrics {
  registry: Registry;
  modbusRequests: Counter<'outcome'>;
  apiRequests: Counter<'route'>;
}

/** Prometheus metrics on a private registry (no global state; one per simulator). */
export function createSimMetrics(sim: Simulator): SimMetrics {
  const registry = new Registry();
  const modbusRequests = new Counter({
    name: 'gridbill_sim_modbus_requests_total',
    help: 'Modbus requests by outcome (ok, exception, silent)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const apiRequests = new Counter({
    name: 'gridbill_sim_api_requests_total',
    help: 'Control API requests by route',
    labelNames: ['route'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'gridbill_sim_meters',
    help: 'Meters in the fleet',
    registers: [registry],
    collect() {
      this.set(sim.list().length);
    },
  });
  new Gauge({
    name: 'gridbill_sim_speed',
    help: 'Simulated seconds per real second',
    registers: [registry],
    collect() {
      this.set(sim.clock.speed());
    },
  });
  new Gauge({
    name: 'gridbill_sim_time_seconds',
    help: 'Simulated UTC time (epoch seconds)',
    registers: [registry],
    collect() {
      this.set(sim.now() / 1000);
    },
  });
  return { registry, modbusRequests, apiRequests };
}

import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Per-app Prometheus registry (no global state, so tests can run several apps). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'gridbill_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gridbill_http_request_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  const payments = new Counter({
    name: 'gridbill_payments_posted_total',
    help: 'Payments posted (first time, not replays)',
    registers: [registry],
  });
  return { registry, requests, duration, payments };
}
export type Metrics = ReturnType<typeof createMetrics>;

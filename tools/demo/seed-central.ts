import type { DemoMeter } from './demo-plan.js';

type Json = Record<string, unknown>;

/** A signed-in staff client for the central API. */
export class CentralClient {
  constructor(
    private readonly baseUrl: string,
    private token = '',
  ) {}

  async signIn(username: string, password: string): Promise<void> {
    const res = await this.call('POST', '/api/session', { username, password });
    this.token = String(res.token);
  }

  async call(
    method: string,
    path: string,
    body?: Json,
    headers: Record<string, string> = {},
  ): Promise<Json> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Json) : {};
  }
}

const why = { reason: 'demo set-up', comment: 'created by npm start' };

/** Central's ids for one seeded demo meter (the plan's ids are names, central's are UUIDs). */
export interface SeededMeter {
  planMeterId: string;
  accountNumber: string;
  meterId: string;
  accountId: string;
}

/**
 * Creates customer → premise → service point → meter (installed) → account for each demo
 * meter and assigns the meter to the demo gateway, through the public API like an
 * integrator would. Returns central's ids, e.g.
 * `[{ planMeterId: 'm-0001', accountNumber: 'A-0001', meterId: '0193…', accountId: '0193…' }]`.
 */
export async function seedCentral(
  api: CentralClient,
  meters: DemoMeter[],
  gatewayId: string,
  installedAtMs: number,
): Promise<SeededMeter[]> {
  const seeded: SeededMeter[] = [];
  for (const m of meters) {
    const customer = await api.call('POST', '/api/customers', {
      name: m.customerName,
      phone: `+86 571 ${m.serial.slice(-4)} 0000`,
      ...why,
    });
    const premise = await api.call('POST', '/api/premises', {
      customerId: String(customer.id),
      address: `${Number(m.serial.slice(-4))} Demo Road, Hangzhou`,
      timeZone: 'Asia/Shanghai',
      ...why,
    });
    const point = await api.call('POST', '/api/service-points', {
      premiseId: String(premise.id),
      ...why,
    });
    const meter = await api.call('POST', '/api/meters', {
      serial: m.serial,
      model: m.transport.startsWith('dlms') ? 'DLMS/COSEM single-phase' : 'Gridbill prepaid Modbus',
      ...why,
    });
    await api.call('POST', `/api/meters/${String(meter.id)}/install`, {
      servicePointId: String(point.id),
      atMs: installedAtMs,
      readWh: 0,
      ...why,
    });
    const account = await api.call('POST', '/api/accounts', {
      number: m.accountNumber,
      customerId: String(customer.id),
      premiseId: String(premise.id),
      currency: 'CNY',
      mode: m.mode,
      ...why,
    });
    await api.call('POST', `/api/gateways/${gatewayId}/meters`, {
      meterId: String(meter.id),
      ...why,
    });
    seeded.push({
      planMeterId: m.id,
      accountNumber: m.accountNumber,
      meterId: String(meter.id),
      accountId: String(account.id),
    });
  }
  return seeded;
}

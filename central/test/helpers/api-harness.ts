import { ManualClock } from '@gridbill/shared/clock';
import { createSeededRandom } from '@gridbill/shared/ids';
import type { Mount } from '../../src/api/app.js';
import type { AppContext } from '../../src/app/context.js';
import { createContext } from '../../src/app/create-context.js';
import { type RunningServer, startServer } from '../../src/app/serve.js';
import { addUser, signIn } from '../../src/staff/users.js';
import type { Store } from '../../src/store/index.js';
import type { BackendCase } from './backends.js';
import { TOKEN_KEY } from './token-key.js';

export const T0 = Date.UTC(2026, 10, 28, 8, 0, 0);
export const PASSWORD = 'correct-horse-battery';
export { TOKEN_KEY };

export interface Harness {
  store: Store;
  ctx: AppContext;
  server: RunningServer;
  clock: ManualClock;
  tokens: Record<'admin' | 'cashier' | 'clerk' | 'supervisor' | 'auditor', string>;
  /** JSON request as a role; returns status, parsed body and headers. */
  call(
    role: keyof Harness['tokens'] | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): // biome-ignore lint/suspicious/noExplicitAny: test bodies are read field by field
  Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** A migrated store, a real HTTP server on 127.0.0.1:0 and one signed-in user per role. */
export async function startHarness(b: BackendCase, mounts: Mount[] = []): Promise<Harness> {
  const store = await b.open();
  const clock = new ManualClock({ wallMs: T0 });
  const ctx = createContext({
    store,
    clock,
    random: createSeededRandom(`harness-${b.name}`),
    tokenKey: TOKEN_KEY,
  });
  ctx.checkResponses = true;
  const roles = {
    admin: 'admin',
    cashier: 'cashier',
    clerk: 'billing-clerk',
    supervisor: 'supervisor',
    auditor: 'auditor',
  } as const;
  const tokens = {} as Harness['tokens'];
  for (const [name, role] of Object.entries(roles)) {
    await addUser(ctx, { username: name, displayName: `Test ${name}`, role, password: PASSWORD });
    tokens[name as keyof typeof roles] = (await signIn(ctx, name, PASSWORD))!.token;
  }
  const server = await startServer(ctx, { port: 0, mounts });
  const call: Harness['call'] = async (role, method, path, body, headers = {}) => {
    const h: Record<string, string> = { ...headers };
    if (role) h.authorization = `Bearer ${tokens[role]}`;
    if (body !== undefined && !h['content-type']) h['content-type'] = 'application/json';
    const res = await fetch(server.url + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    store,
    ctx,
    server,
    clock,
    tokens,
    call,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}

/** Creates customer, premise, service point, meter (installed, on gateway gw-1) and account. */
export async function seedAccount(
  h: Harness,
  number: string,
  mode: 'prepaid' | 'postpaid' | 'hybrid',
  name = `Customer ${number}`,
) {
  const c = await h.call('clerk', 'POST', '/api/customers', { name, phone: '+254700000001' });
  const p = await h.call('clerk', 'POST', '/api/premises', {
    customerId: c.body.id,
    address: `${number} Mombasa Road, Nairobi`,
    timeZone: 'Africa/Nairobi',
  });
  const sp = await h.call('clerk', 'POST', '/api/service-points', { premiseId: p.body.id });
  const m = await h.call('clerk', 'POST', '/api/meters', {
    serial: `SN-${number}`,
    model: 'SDM120',
  });
  await h.call('clerk', 'POST', `/api/meters/${m.body.id}/install`, {
    servicePointId: sp.body.id,
    atMs: T0 - 86_400_000,
    readWh: 1000,
  });
  const gw = await h.call('admin', 'POST', '/api/gateways', { id: 'gw-1', name: 'Substation 1' });
  if (gw.status !== 201 && gw.status !== 409)
    throw new Error(`gateway: ${JSON.stringify(gw.body)}`);
  await h.call('admin', 'POST', '/api/gateways/gw-1/meters', { meterId: m.body.id });
  const a = await h.call('clerk', 'POST', '/api/accounts', {
    number,
    customerId: c.body.id,
    premiseId: p.body.id,
    currency: 'KES',
    mode,
  });
  if (a.status !== 201) throw new Error(`account: ${JSON.stringify(a.body)}`);
  return {
    customerId: c.body.id as string,
    premiseId: p.body.id as string,
    meterId: m.body.id as string,
    servicePointId: sp.body.id as string,
    accountId: a.body.id as string,
  };
}

/** Row counts of every table: equal before and after = the request changed nothing. */
export async function fingerprint(store: Store): Promise<Record<string, string>> {
  const tables = [
    'customers',
    'premises',
    'service_points',
    'meters',
    'meter_events',
    'accounts',
    'account_mode_changes',
    'gateways',
    'gateway_meters',
    'tariffs',
    'tariff_versions',
    'ledger_entries',
    'ledger_postings',
    'ledger_balances',
    'payments',
    'payment_reversals',
    'topups',
    'cashier_closes',
    'idempotency_keys',
    'users',
    'audit_log',
  ] as const;
  const out: Record<string, string> = {};
  for (const t of tables) {
    const r = await store.db
      .selectFrom(t)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    out[t] = String(r.n);
  }
  const head = await store.db.selectFrom('ledger_head').selectAll().executeTakeFirstOrThrow();
  out.head = head.hash;
  return out;
}

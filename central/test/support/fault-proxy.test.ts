import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultProxy } from './fault-proxy.js';
import { startFaultProxy } from './fault-proxy.js';

/** Upstream that "commits" every POST body in arrival order and answers with its position. */
let upstream: Server;
let committed: string[] = [];
let proxy: FaultProxy;

async function post(path: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${proxy.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'text/plain', connection: 'close' },
  });
  return { status: res.status, text: await res.text() };
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      committed.push(`${req.url} ${Buffer.concat(chunks).toString()}`);
      res.writeHead(201, { 'content-type': 'text/plain', 'x-upstream': 'yes' });
      res.end(`stored #${committed.length}: ${Buffer.concat(chunks).toString()}`);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const { port } = upstream.address() as AddressInfo;
  proxy = await startFaultProxy(`http://127.0.0.1:${port}`);
});

afterAll(async () => {
  await proxy.close();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

beforeEach(() => {
  committed = [];
  proxy.clearFaults();
  proxy.setOnline(true);
});

describe('fault proxy', () => {
  it('passes requests and answers through unchanged', async () => {
    const res = await fetch(`${proxy.url}/sync/a`, { method: 'POST', body: 'e1' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-upstream')).toBe('yes');
    expect(await res.text()).toBe('stored #1: e1');
    expect(committed).toEqual(['/sync/a e1']);
  });

  it('drops a request before upstream sees it', async () => {
    proxy.addFault({ kind: 'drop-request' });
    await expect(post('/sync/a', 'lost')).rejects.toThrow();
    expect(committed).toEqual([]);
    expect((await post('/sync/a', 'retry')).text).toBe('stored #1: retry');
  });

  it('drops the response after upstream committed', async () => {
    proxy.addFault({ kind: 'drop-response' });
    await expect(post('/sync/a', 'b1')).rejects.toThrow();
    expect(committed).toEqual(['/sync/a b1']);
    expect(proxy.stats.droppedResponses).toBeGreaterThanOrEqual(1);
  });

  it('duplicates a request upstream', async () => {
    proxy.addFault({ kind: 'duplicate' });
    expect((await post('/sync/a', 'd1')).text).toBe('stored #2: d1');
    expect(committed).toEqual(['/sync/a d1', '/sync/a d1']);
  });

  it('reorders a group of requests and answers each client its own', async () => {
    proxy.addFault({ kind: 'reorder', times: 3 });
    const before = proxy.stats.received;
    const answers: Promise<{ text: string }>[] = [];
    for (const body of ['r1', 'r2', 'r3']) {
      answers.push(post('/sync/a', body));
      await waitFor(() => proxy.stats.received === before + answers.length, `arrival of ${body}`);
    }
    const texts = (await Promise.all(answers)).map((a) => a.text);
    expect(committed).toEqual(['/sync/a r3', '/sync/a r2', '/sync/a r1']);
    expect(texts).toEqual(['stored #3: r1', 'stored #2: r2', 'stored #1: r3']);
  });

  it('applies a fault only to matching requests', async () => {
    proxy.addFault({ kind: 'drop-request', match: (r) => r.path.startsWith('/sync/events') });
    expect((await post('/healthz', 'h')).status).toBe(201);
    await expect(post('/sync/events', 'x')).rejects.toThrow();
    expect(committed).toEqual(['/healthz h']);
  });

  it('can be switched off and on (partition)', async () => {
    proxy.setOnline(false);
    await expect(post('/sync/a', 'p1')).rejects.toThrow();
    await expect(post('/sync/a', 'p2')).rejects.toThrow();
    expect(committed).toEqual([]);
    proxy.setOnline(true);
    expect((await post('/sync/a', 'p3')).text).toBe('stored #1: p3');
  });

  it('releases held requests on flush', async () => {
    proxy.addFault({ kind: 'reorder', times: 5 });
    const before = proxy.stats.received;
    const pending = post('/sync/a', 'lonely');
    await waitFor(() => proxy.stats.received === before + 1, 'arrival');
    expect(committed).toEqual([]);
    await proxy.flushHeld();
    expect((await pending).text).toBe('stored #1: lonely');
  });

  it('refuses a bad rule', () => {
    expect(() => proxy.addFault({ kind: 'duplicate', times: 0 })).toThrow(
      'fault duplicate: times must be a positive integer, got 0',
    );
  });
});

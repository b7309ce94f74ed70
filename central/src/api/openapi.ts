import { z } from 'zod';
import type { RouteTable } from './route-kit.js';
import { problemResponse } from './schemas.js';

const schemaOf = (s: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;

/** OpenAPI 3.1 document generated from the registered routes and their zod schemas. */
export function openApiDocument(routes: RouteTable): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const problem = { 'application/problem+json': { schema: schemaOf(problemResponse, 'output') } };
  for (const r of routes) {
    const params: Record<string, unknown>[] = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const shape = (r.query?.shape ?? {}) as Record<string, z.ZodType>;
    for (const [name, s] of Object.entries(shape)) {
      const schema = schemaOf(s, 'input');
      params.push({ name, in: 'query', required: !s.safeParse(undefined).success, schema });
    }
    const op: Record<string, unknown> = {
      summary: r.summary,
      security: r.permission ? [{ bearer: [] }] : [],
      'x-permission': r.permission,
      parameters: params,
      responses: {
        '200': {
          description: 'ok',
          content: r.response
            ? { 'application/json': { schema: schemaOf(r.response, 'output') } }
            : undefined,
        },
        '4XX': { description: 'problem details naming the field', content: problem },
      },
    };
    if (r.body)
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: schemaOf(r.body, 'input') } },
      };
    paths[r.path] = { ...(paths[r.path] ?? {}), [r.method]: op };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Gridbill central API', version: '0.1.0' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}

/** A plain HTML page listing every operation (no external assets). */
export function docsPage(routes: RouteTable): string {
  const esc = (t: string) => t.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const rows = routes
    .map(
      (r) =>
        `<tr><td><code>${r.method.toUpperCase()}</code></td><td><code>${esc(r.path)}</code></td>` +
        `<td>${esc(r.permission ?? 'public')}</td><td>${esc(r.summary)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Gridbill central API</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}
td{padding:.3rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}</style></head>
<body><h1>Gridbill central API</h1>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Errors are
<code>application/problem+json</code> with <code>field</code> naming the request field.
Payments need an <code>Idempotency-Key</code> header.</p>
<table><thead><tr><th>method</th><th>path</th><th>permission</th><th>what</th></tr></thead>
<tbody>${rows}</tbody></table></body></html>`;
}

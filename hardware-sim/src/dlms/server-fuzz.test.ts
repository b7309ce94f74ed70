import { readFileSync } from 'node:fs';
import { fromHex } from '@gridbill/shared/dlms';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryMeter } from './memory-meter.js';
import { buildObjectModel } from './object-model.js';
import { DEFAULT_METER_SECURITY } from './server.js';
import { hdlcServerLink, wrapperServerLink } from './server-links.js';
import { memoryCounters } from './server-security.js';
import { DlmsServerSession } from './server-session.js';

const vectors = (
  JSON.parse(
    readFileSync(
      new URL('../../../shared/test/fixtures/dlms/dlms-vectors.json', import.meta.url),
      'utf8',
    ),
  ) as { vectors: { name: string; hex: string }[] }
).vectors.map((v) => fromHex(v.hex));

function newSession(clientSap: number) {
  const meter = createMemoryMeter({
    serial: 'F1',
    clockMs: () => 1e12,
    profileStartMs: 1e12 - 864e5,
  });
  const counters = memoryCounters();
  const objects = buildObjectModel(
    meter,
    { clientSystemTitle: () => new Uint8Array(8), serverSystemTitle: new Uint8Array(8) },
    () => 0,
  );
  return new DlmsServerSession({
    clientSap,
    objects,
    security: DEFAULT_METER_SECURITY,
    counters,
    random: () => new Uint8Array(16),
    maxPduBytes: 128,
  });
}

const mutatedVector = fc
  .tuple(fc.constantFrom(...vectors), fc.nat(), fc.nat({ max: 255 }), fc.boolean())
  .map(([v, at, value, truncate]) => {
    const b = Uint8Array.from(v);
    if (b.length === 0) return b;
    if (truncate) return b.slice(0, at % b.length);
    b[at % b.length] = value;
    return b;
  });
const input = fc.oneof(fc.uint8Array({ maxLength: 200 }), mutatedVector);

describe('server robustness: hostile bytes never throw out of a session or a link', () => {
  it('sessions (associated public and reader) answer or stay silent', () => {
    const aarq = fromHex('601DA109060760857405080101BE10040E01000000065F1F0400401E1DFFFF');
    fc.assert(
      fc.property(fc.array(input, { maxLength: 5 }), (apdus) => {
        const s = newSession(16);
        s.handle(aarq);
        for (const a of apdus) {
          const out = s.handle(a);
          expect(out === undefined || out instanceof Uint8Array).toBe(true);
        }
      }),
      { numRuns: 1500, seed: 17 },
    );
  });

  it('wrapper and HDLC links swallow garbage streams', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 6 }), (chunks) => {
        const lookup = () => newSession(16);
        const links = [
          wrapperServerLink(() => {}, lookup),
          hdlcServerLink(() => {}, lookup, { maxInfoBytes: 128 }),
        ];
        for (const link of links) {
          for (const c of chunks) {
            try {
              link.onData(c);
            } catch (err) {
              // A wrapper stream with a bad version cannot resync: the server closes it.
              expect((err as Error).name).toBe('DlmsDecodeError');
            }
          }
        }
      }),
      { numRuns: 1500, seed: 18 },
    );
  });
});

import {
  concatBytes,
  decodeControl,
  decodeHdlcFrame,
  encodeControl,
  encodeHdlcFrame,
  type HdlcFrame,
  LLC_REQUEST,
  splitHdlcStream,
} from '@gridbill/shared/dlms';
import { describe, expect, it } from 'vitest';
import { hdlcServerLink } from './server-links.js';

const server = { upper: 1, byteLength: 1 as const };
const client = { upper: 16, byteLength: 1 as const };

function harness() {
  const out: Uint8Array[] = [];
  let handled = 0;
  const link = hdlcServerLink(
    (b) => out.push(...splitHdlcStream(b).frames),
    () => ({
      handle: () => {
        handled++;
        return new Uint8Array(300).fill(0xab);
      },
      reset: () => {},
    }),
    { maxInfoBytes: 128 },
  );
  const send = (control: number, information: Uint8Array = new Uint8Array(0)) => {
    const f: HdlcFrame = {
      segmented: false,
      destination: server,
      source: client,
      control,
      information,
    };
    link.onData(encodeHdlcFrame(f));
    return out.at(-1)!;
  };
  return { send, out, handled: () => handled };
}

const rr = (n: number) => encodeControl({ type: 'RR', receiveSeq: n, pollFinal: true });
const iframe = (ns: number, nr: number) =>
  encodeControl({ type: 'I', sendSeq: ns, receiveSeq: nr, pollFinal: true });

describe('HDLC server link recovery', () => {
  it('repeats a lost segment on a repeated RR and a lost answer on a repeated I-frame', () => {
    const h = harness();
    expect(decodeControl(decodeHdlcFrame(h.send(0x93)).control)?.type).toBe('UA');
    const request = concatBytes(LLC_REQUEST, Uint8Array.of(0xc0, 1, 0xc1));
    const first = h.send(iframe(0, 0), request);
    expect(decodeHdlcFrame(first).segmented).toBe(true);
    const second = h.send(rr(1));
    expect(h.send(rr(1))).toEqual(second);
    const third = h.send(rr(2));
    expect(decodeHdlcFrame(third).segmented).toBe(false);
    expect(h.send(iframe(0, 3), request)).toEqual(third);
    expect(h.handled()).toBe(1);
    expect(h.out).toHaveLength(6);
  });
});

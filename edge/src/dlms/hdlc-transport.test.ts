import { Duplex } from 'node:stream';
import { createSystemClock } from '@gridbill/shared/clock';
import {
  concatBytes,
  decodeControl,
  decodeHdlcFrame,
  encodeControl,
  encodeHdlcFrame,
  encodeHdlcParameters,
  DEFAULT_HDLC_PARAMETERS,
  HdlcSequencer,
  LLC_RESPONSE,
  splitHdlcStream,
} from '@gridbill/shared/dlms';
import { describe, expect, it } from 'vitest';
import { hdlcTransport } from './hdlc-transport.js';

/**
 * A fake RS-485 line (unit test): every byte the client sends is echoed back first (half-
 * duplex transceiver echo), then a scripted meter answers. The meter drops the first frame of
 * each kind listed in `drop`, to exercise retransmission.
 */
function fakeLine(drop: Set<string>, busyOnce = false) {
  let busy = busyOnce;
  const meter = new HdlcSequencer({ upper: 1, byteLength: 1 }, { upper: 16, byteLength: 1 });
  const sentAt: number[] = [];
  const clock = createSystemClock();
  let pending: Uint8Array = new Uint8Array(0);
  const line: Duplex = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      sentAt.push(clock.monoMs());
      line.push(chunk);
      const split = splitHdlcStream(concatBytes(pending, chunk));
      pending = split.rest;
      for (const bytes of split.frames) answer(bytes);
      done();
    },
  });
  const answerI = () =>
    meter.iFrame(concatBytes(LLC_RESPONSE, Uint8Array.of(0xc4, 1, 0xc1, 0, 0)), false);
  const answer = (bytes: Uint8Array) => {
    const frame = decodeHdlcFrame(bytes);
    const c = decodeControl(frame.control)!;
    if (drop.delete(c.type)) return;
    let reply: ReturnType<typeof answerI> | undefined;
    if (c.type === 'SNRM') reply = meter.frame(0x73, encodeHdlcParameters(DEFAULT_HDLC_PARAMETERS));
    else if (c.type === 'I' && meter.acceptI(c.sendSeq)) {
      if (busy) {
        busy = false;
        reply = meter.frame(
          encodeControl({ type: 'RNR', receiveSeq: meter.receiveSeq, pollFinal: true }),
        );
      } else reply = answerI();
    } else if (c.type === 'RR') reply = answerI();
    else if (c.type === 'DISC') reply = meter.frame(0x73);
    if (reply) setTimeout(() => line.push(Buffer.from(encodeHdlcFrame(reply))), 5);
  };
  return { line, sentAt, clock };
}

describe('HDLC client over a half-duplex line', () => {
  it('ignores its own echo, keeps the inter-frame gap and retransmits a lost frame', async () => {
    const { line, sentAt, clock } = fakeLine(new Set(['I']));
    const t = hdlcTransport(
      line,
      { client: 16, server: { upper: 1, byteLength: 1 } },
      { responseTimeoutMs: 150, retries: 2, interFrameGapMs: 30 },
      clock,
      'fake line',
    );
    await t.open();
    const response = await t.exchange(
      Uint8Array.of(0xc0, 1, 0xc1, 0, 1, 0, 0, 1, 0, 0, 0xff, 2, 0),
    );
    expect(Array.from(response)).toEqual([0xc4, 1, 0xc1, 0, 0]);
    await t.close();
    expect(sentAt.length).toBe(4);
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(30);
    expect(sentAt[2]! - sentAt[1]!).toBeGreaterThanOrEqual(140);
  });

  it('waits out a busy meter (RNR) and polls with RR', async () => {
    const { line, clock } = fakeLine(new Set(), true);
    const t = hdlcTransport(
      line,
      { client: 16, server: { upper: 1, byteLength: 1 } },
      { responseTimeoutMs: 300, retries: 1, interFrameGapMs: 0 },
      clock,
      'fake line',
    );
    await t.open();
    const response = await t.exchange(
      Uint8Array.of(0xc0, 1, 0xc1, 0, 1, 0, 0, 1, 0, 0, 0xff, 2, 0),
    );
    expect(Array.from(response)).toEqual([0xc4, 1, 0xc1, 0, 0]);
    await t.close();
  });

  it('gives up after the retries with a timeout naming what was awaited', async () => {
    const { line, clock } = fakeLine(new Set(['SNRM']));
    const t = hdlcTransport(
      line,
      { client: 16, server: { upper: 1, byteLength: 1 } },
      { responseTimeoutMs: 50, retries: 0, interFrameGapMs: 0 },
      clock,
      'fake line',
    );
    await expect(t.open()).rejects.toThrow('timeout: no UA to SNRM within 50 ms');
  });
});

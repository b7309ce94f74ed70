import type { Duplex } from 'node:stream';
import type { Clock } from '@gridbill/shared/clock';
import { decodeWrapper, encodeWrapper, splitWrapperStream } from '@gridbill/shared/dlms';
import { DlmsProtocolError } from './errors.js';
import { StreamFrames } from './stream-frames.js';
import type { DlmsTransport, LinkTiming } from './transport.js';

/**
 * IEC 62056-47 wrapper over a connected stream. Example: client 16 → server 1 sends
 * `0001 0010 0001 <len> <apdu>` and expects `0001 0001 0010 <len> <apdu>`.
 */
export function wrapperTransport(
  stream: Duplex,
  addresses: { client: number; server: number },
  timing: LinkTiming,
  clock: Clock,
  description: string,
): DlmsTransport {
  const frames = new StreamFrames(stream, splitWrapperStream, clock);
  return {
    description,
    open: async () => {},
    exchange: async (apdu) => {
      await frames.write(
        encodeWrapper({ source: addresses.client, destination: addresses.server, apdu }),
      );
      for (;;) {
        const w = decodeWrapper(await frames.next(timing.responseTimeoutMs, 'wrapper response'));
        if (w.destination !== addresses.client) continue;
        if (w.source !== addresses.server) {
          throw new DlmsProtocolError(
            `response from wPort ${w.source}, expected ${addresses.server}`,
          );
        }
        return w.apdu;
      }
    },
    close: async () => {
      stream.destroy();
    },
  };
}

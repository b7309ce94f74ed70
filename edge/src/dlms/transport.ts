/**
 * A DLMS/COSEM transport carries whole APDUs: `exchange` sends one request APDU and resolves
 * with the response APDU (framing, segmentation, acknowledgements and retries inside).
 */
export interface DlmsTransport {
  open(): Promise<void>;
  exchange(apdu: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
  /** Human-readable peer, e.g. 'tcp 127.0.0.1:4059 (hdlc)'. */
  readonly description: string;
}

/** Timing of a link; RS-485 needs the inter-frame gap and echo suppression. */
export interface LinkTiming {
  /** Response timeout per frame / APDU. Default 5000 ms. */
  responseTimeoutMs: number;
  /** Retransmissions after a timeout (HDLC frames). Default 2. */
  retries: number;
  /** Minimum silence before we transmit after receiving (RS-485 turnaround). Default 0. */
  interFrameGapMs: number;
}

export const DEFAULT_TIMING: LinkTiming = {
  responseTimeoutMs: 5000,
  retries: 2,
  interFrameGapMs: 0,
};

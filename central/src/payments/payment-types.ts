import type { Channel } from './channels.js';

/** A validated payment request (from the API, a bank file line or a webhook). */
export interface PaymentInput {
  channel: Channel;
  /** Who moved the money: 'cash', 'mpesa', 'equity-bank', ... */
  provider: string;
  /** The provider's transaction id; unique forever per provider. */
  providerTxnId: string;
  /** Account number or id; missing or unknown on inbound channels → suspense. */
  accountNumber: string | null;
  amountMinor: bigint;
  currency: string;
  /** When the money was received (UTC ms); defaults to now. */
  receivedAtMs: number | null;
}

export interface TopUpResult {
  tokenId: string;
  token: string;
  gatewayId: string;
  amountMinor: string;
  expiresAtMs: number;
}

/** What a payment post returns (and what a retry replays). Money as decimal strings. */
export interface PaymentResult {
  paymentId: string;
  entryId: string;
  status: 'posted' | 'suspense';
  accountId: string | null;
  channel: Channel;
  provider: string;
  providerTxnId: string;
  amountMinor: string;
  currency: string;
  receivedAtMs: number;
  allocation: { account: string; amountMinor: string }[];
  topup: TopUpResult | null;
  /** True when the provider transaction was already recorded (another channel or retry). */
  duplicate: boolean;
}

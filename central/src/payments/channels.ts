/**
 * Payment channels. `staffed` channels (counter, agent) must name a known account: a typo at
 * the counter is an error to fix now. Inbound channels (bank files, webhooks, mobile money)
 * never lose money: an unknown account sends the payment to suspense.
 */
export const CHANNELS = ['counter', 'agent', 'bank-file', 'webhook', 'mobile-money'] as const;
export type Channel = (typeof CHANNELS)[number];

export const STAFFED_CHANNELS: readonly Channel[] = ['counter', 'agent'];

export const isStaffed = (c: Channel): boolean => STAFFED_CHANNELS.includes(c);

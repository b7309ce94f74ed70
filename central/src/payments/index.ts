export { CHANNELS, type Channel, isStaffed } from './channels.js';
export { closeDay } from './daily-close.js';
export { type IdempotentResponse, requestHashOf, withIdempotency } from './idempotency.js';
export type { PaymentInput, PaymentResult, TopUpResult } from './payment-types.js';
export { paymentIdOf, postPayment, replay } from './post-payment.js';
export { reversePayment } from './reverse-payment.js';
export { matchSuspense, suspenseQueue } from './suspense.js';

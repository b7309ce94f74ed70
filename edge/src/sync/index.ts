export { batchJson } from './batch-wire.js';
export { OutboxStream } from './outbox-stream.js';
export { type SyncLoopOptions, startSyncLoop } from './sync-loop.js';
export {
  createUpstreamSender,
  DEFAULT_BATCH_SIZE,
  type SendOutcome,
  type UpstreamSender,
  type UpstreamSenderOptions,
} from './upstream-sender.js';

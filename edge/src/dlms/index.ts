export type { AuthLevel } from './association.js';
export { type DlmsClient, type DlmsClientOptions, openDlmsClient } from './client.js';
export type { ClientKeys } from './client-security.js';
export type { TransportOptions } from './connect.js';
export {
  DlmsAccessDeniedError,
  DlmsAssociationRejectedError,
  DlmsDataAccessError,
  DlmsDecodeError,
  DlmsProtocolError,
  DlmsSecurityError,
  DlmsTimeoutError,
} from './errors.js';
export { fileCounterStore } from './file-counter-store.js';
export {
  InvocationCounterAllocator,
  type InvocationCounterStore,
  memoryCounterStore,
} from './invocation-counter.js';
export {
  type CaptureObject,
  entryDescriptor,
  type ProfileRead,
  type ProfileReadRow,
  parseCaptureObjects,
  rangeDescriptor,
  readProfile,
  readProfileEntries,
} from './profile.js';
export type { DlmsTransport, LinkTiming } from './transport.js';

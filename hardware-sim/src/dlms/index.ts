export type { ClientProfile, Role } from './access-rights.js';
export { CLIENT_PROFILES } from './access-rights.js';
export { createMemoryMeter, type MemoryMeterOptions } from './memory-meter.js';
export type {
  DlmsServerHandle,
  DlmsServerOptions,
  EventRow,
  MeterBackend,
  MeterInvocationCounters,
  MeterSecurity,
  ProfileInfo,
  ProfileRow,
  RegisterInfo,
  RegisterReading,
  RelayState,
} from './meter-backend.js';
export { UNIT_W, UNIT_WH } from './meter-backend.js';
export { DEFAULT_METER_SECURITY, startDlmsServer } from './server.js';
export { DlmsServerSession } from './server-session.js';

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

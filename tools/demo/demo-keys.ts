/**
 * Demo-only DLMS security suite 0 keys: the simulator's defaults (Gurux example-meter values,
 * `DEFAULT_METER_SECURITY` in hardware-sim) plus the gateway's own system title ("GRIDBILL").
 * Never use these on a real meter.
 */
export const DEMO_DLMS_KEYS = {
  systemTitle: '4752494442494C4C',
  blockCipherKey: '000102030405060708090A0B0C0D0E0F',
  authenticationKey: 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF',
} as const;

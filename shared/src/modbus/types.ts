/** Wire encodings used by the register maps. 32-bit types span two registers, high word first. */
export type ValueType = 'float32' | 'uint16' | 'int16' | 'uint32' | 'int32';

/** Modbus data tables a field can live in (coils and discrete inputs are bit tables). */
export type RegisterTable = 'input' | 'holding';
export type BitTable = 'coil' | 'discrete';

/**
 * Meter quantities in base units (Wh, W, V, A, VA, var, Hz, seconds). The simulator produces
 * them; the edge decodes them back from registers with the same map.
 */
export type MeterQuantity =
  | 'l1VoltageV'
  | 'l2VoltageV'
  | 'l3VoltageV'
  | 'l1CurrentA'
  | 'l2CurrentA'
  | 'l3CurrentA'
  | 'l1PowerW'
  | 'l2PowerW'
  | 'l3PowerW'
  | 'powerW'
  | 'apparentPowerVa'
  | 'reactivePowerVar'
  | 'powerFactor'
  | 'frequencyHz'
  | 'importWh'
  | 'exportWh'
  | 'importRate1Wh'
  | 'importRate2Wh'
  | 'importRate3Wh'
  | 'importRate4Wh'
  | 'totalWh'
  | 'demandW'
  | 'maxDemandW'
  | 'relayControlState'
  | 'relayControlMode'
  | 'meterClockS'
  /** Serial number as an integer (changes on a meter swap). */
  | 'serialNumber';

/** Bit quantities: `relayClosed` is the relay output state (true = supply connected). */
export type MeterBit = 'relayClosed';

/**
 * One value in a register table. Wire value = quantity × 10^scalePow10
 * (e.g. SDM kWh registers: importWh 1234567 with scalePow10 -3 → float32 1234.567).
 */
export interface RegisterField {
  name: string;
  quantity: MeterQuantity;
  table: RegisterTable;
  /** 0-based PDU address (Eastron "30073" is input address 72 = 0x0048). */
  address: number;
  type: ValueType;
  scalePow10: number;
  unit: string;
  writable?: boolean;
}

export interface BitField {
  name: string;
  bit: MeterBit;
  table: BitTable;
  address: number;
  writable?: boolean;
}

export interface RegisterMap {
  id: string;
  title: string;
  source: string;
  fields: readonly RegisterField[];
  bits: readonly BitField[];
}

export type QuantityValues = Partial<Record<MeterQuantity, number>>;
export type BitValues = Partial<Record<MeterBit, boolean>>;

/**
 * COSEM interface classes as data (Blue Book): class id, version, attributes (type and
 * default access) and methods (argument type). One generic codec reads this table.
 *
 * Example: `cosemClass(70)?.methods[0]` → `{ id: 1, name: 'remote_disconnect',
 * argument: 'integer' }`; `attributeInfo(8, 2)?.type` → 'date-time-os'.
 *
 * Types are A-XDR type names, plus: 'any' (CHOICE), 'date-time-os' (octet-string(12)
 * date-time), 'scaler-unit' (structure{integer, enum}), 'capture-objects', 'object-list'.
 * Access: 'r' read-only, 'rw' read-write (the server narrows this per association).
 */
export type CosemAttributeType =
  | 'octet-string'
  | 'visible-string'
  | 'boolean'
  | 'integer'
  | 'long'
  | 'unsigned'
  | 'long-unsigned'
  | 'double-long'
  | 'double-long-unsigned'
  | 'long64'
  | 'enum'
  | 'array'
  | 'structure'
  | 'any'
  | 'date-time-os'
  | 'scaler-unit'
  | 'capture-objects'
  | 'object-list';

export interface CosemAttribute {
  id: number;
  name: string;
  type: CosemAttributeType;
  access: 'r' | 'rw';
}

export interface CosemMethod {
  id: number;
  name: string;
  argument: CosemAttributeType | 'null-data';
}

export interface CosemClass {
  id: number;
  name: string;
  version: number;
  attributes: readonly CosemAttribute[];
  methods: readonly CosemMethod[];
}

const LN: CosemAttribute = { id: 1, name: 'logical_name', type: 'octet-string', access: 'r' };

type AttrRow = [name: string, type: CosemAttributeType, access?: 'r' | 'rw'];
type MethodRow = [name: string, argument: CosemMethod['argument']];

function cls(
  id: number,
  name: string,
  version: number,
  attrs: AttrRow[],
  methods: MethodRow[] = [],
) {
  const attributes = [
    LN,
    ...attrs.map(([n, type, access], i) => ({ id: i + 2, name: n, type, access: access ?? 'r' })),
  ];
  return {
    id,
    name,
    version,
    attributes,
    methods: methods.map(([n, argument], i) => ({ id: i + 1, name: n, argument })),
  } satisfies CosemClass;
}

export const COSEM_CLASSES: readonly CosemClass[] = [
  cls(1, 'Data', 0, [['value', 'any', 'rw']]),
  cls(
    3,
    'Register',
    0,
    [
      ['value', 'any', 'rw'],
      ['scaler_unit', 'scaler-unit'],
    ],
    [['reset', 'integer']],
  ),
  cls(
    4,
    'Extended register',
    0,
    [
      ['value', 'any', 'rw'],
      ['scaler_unit', 'scaler-unit'],
      ['status', 'any'],
      ['capture_time', 'date-time-os'],
    ],
    [['reset', 'integer']],
  ),
  cls(
    5,
    'Demand register',
    0,
    [
      ['current_average_value', 'any'],
      ['last_average_value', 'any'],
      ['scaler_unit', 'scaler-unit'],
      ['status', 'any'],
      ['capture_time', 'date-time-os'],
      ['start_time_current', 'date-time-os'],
      ['period', 'double-long-unsigned', 'rw'],
      ['number_of_periods', 'long-unsigned', 'rw'],
    ],
    [
      ['reset', 'integer'],
      ['next_period', 'integer'],
    ],
  ),
  cls(
    7,
    'Profile generic',
    1,
    [
      ['buffer', 'array'],
      ['capture_objects', 'capture-objects', 'rw'],
      ['capture_period', 'double-long-unsigned', 'rw'],
      ['sort_method', 'enum', 'rw'],
      ['sort_object', 'structure', 'rw'],
      ['entries_in_use', 'double-long-unsigned'],
      ['profile_entries', 'double-long-unsigned', 'rw'],
    ],
    [
      ['reset', 'integer'],
      ['capture', 'integer'],
    ],
  ),
  cls(
    8,
    'Clock',
    0,
    [
      ['time', 'date-time-os', 'rw'],
      ['time_zone', 'long', 'rw'],
      ['status', 'unsigned'],
      ['daylight_savings_begin', 'date-time-os', 'rw'],
      ['daylight_savings_end', 'date-time-os', 'rw'],
      ['daylight_savings_deviation', 'integer', 'rw'],
      ['daylight_savings_enabled', 'boolean', 'rw'],
      ['clock_base', 'enum'],
    ],
    [
      ['adjust_to_quarter', 'integer'],
      ['adjust_to_measuring_period', 'integer'],
      ['adjust_to_minute', 'integer'],
      ['adjust_to_preset_time', 'integer'],
      ['preset_adjusting_time', 'structure'],
      ['shift_time', 'long'],
    ],
  ),
  cls(
    15,
    'Association LN',
    1,
    [
      ['object_list', 'object-list'],
      ['associated_partners_id', 'structure'],
      ['application_context_name', 'any'],
      ['xDLMS_context_info', 'structure'],
      ['authentication_mechanism_name', 'any'],
      ['secret', 'octet-string', 'rw'],
      ['association_status', 'enum'],
      ['security_setup_reference', 'octet-string'],
    ],
    [
      ['reply_to_HLS_authentication', 'octet-string'],
      ['change_HLS_secret', 'octet-string'],
      ['add_object', 'structure'],
      ['remove_object', 'structure'],
    ],
  ),
  cls(
    64,
    'Security setup',
    0,
    [
      ['security_policy', 'enum', 'rw'],
      ['security_suite', 'enum', 'rw'],
      ['client_system_title', 'octet-string'],
      ['server_system_title', 'octet-string'],
    ],
    [
      ['security_activate', 'enum'],
      ['key_transfer', 'array'],
    ],
  ),
  cls(
    70,
    'Disconnect control',
    0,
    [
      ['output_state', 'boolean'],
      ['control_state', 'enum'],
      ['control_mode', 'enum', 'rw'],
    ],
    [
      ['remote_disconnect', 'integer'],
      ['remote_reconnect', 'integer'],
    ],
  ),
  cls(71, 'Limiter', 0, [
    ['monitored_value', 'structure', 'rw'],
    ['threshold_active', 'any', 'rw'],
    ['threshold_normal', 'any', 'rw'],
    ['threshold_emergency', 'any', 'rw'],
    ['min_over_threshold_duration', 'double-long-unsigned', 'rw'],
    ['min_under_threshold_duration', 'double-long-unsigned', 'rw'],
    ['emergency_profile', 'structure', 'rw'],
    ['emergency_profile_group_id_list', 'array', 'rw'],
    ['emergency_profile_active', 'boolean'],
    ['actions', 'structure', 'rw'],
  ]),
  cls(
    111,
    'Account',
    0,
    [
      ['account_mode_and_status', 'structure'],
      ['current_credit_in_use', 'unsigned'],
      ['current_credit_status', 'structure'],
      ['available_credit', 'double-long'],
      ['amount_to_clear', 'double-long'],
      ['clearance_threshold', 'double-long', 'rw'],
      ['aggregated_debt', 'double-long'],
      ['credit_reference_list', 'array'],
      ['charge_reference_list', 'array'],
      ['credit_charge_configuration', 'array'],
      ['token_gateway_configuration', 'array'],
      ['account_activation_time', 'date-time-os'],
      ['account_closure_time', 'date-time-os'],
      ['currency', 'structure'],
      ['low_credit_threshold', 'double-long', 'rw'],
      ['next_credit_available_threshold', 'double-long', 'rw'],
      ['max_provision', 'long-unsigned', 'rw'],
      ['max_provision_period', 'double-long-unsigned', 'rw'],
    ],
    [
      ['activate_account', 'integer'],
      ['close_account', 'integer'],
      ['reset_account', 'integer'],
    ],
  ),
  cls(
    112,
    'Credit',
    0,
    [
      ['current_credit_amount', 'double-long'],
      ['credit_type', 'enum'],
      ['priority', 'unsigned'],
      ['warning_threshold', 'double-long', 'rw'],
      ['limit', 'double-long', 'rw'],
      ['credit_configuration', 'structure'],
      ['credit_status', 'enum'],
      ['preset_credit_amount', 'double-long', 'rw'],
      ['credit_available_threshold', 'double-long', 'rw'],
      ['period', 'date-time-os', 'rw'],
    ],
    [
      ['update_amount', 'double-long'],
      ['set_amount_to_value', 'double-long'],
      ['invoke_credit', 'enum'],
    ],
  ),
  cls(
    113,
    'Charge',
    0,
    [
      ['total_amount_paid', 'double-long'],
      ['charge_type', 'enum'],
      ['priority', 'unsigned'],
      ['unit_charge_active', 'structure'],
      ['unit_charge_passive', 'structure', 'rw'],
      ['unit_charge_activation_time', 'date-time-os', 'rw'],
      ['period', 'double-long-unsigned', 'rw'],
      ['charge_configuration', 'structure'],
      ['last_collection_time', 'date-time-os'],
      ['last_collection_amount', 'double-long'],
      ['total_amount_remaining', 'double-long'],
      ['proportion', 'long-unsigned', 'rw'],
    ],
    [
      ['update_unit_charge', 'structure'],
      ['activate_passive_unit_charge', 'integer'],
      ['collect', 'integer'],
      ['update_total_amount_remaining', 'double-long'],
      ['set_total_amount_remaining', 'double-long'],
    ],
  ),
  cls(
    115,
    'Token gateway',
    0,
    [
      ['token', 'octet-string'],
      ['token_time', 'date-time-os'],
      ['token_description', 'array'],
      ['token_delivery_method', 'enum'],
      ['token_status', 'structure'],
    ],
    [['enter', 'octet-string']],
  ),
];

const BY_ID = new Map(COSEM_CLASSES.map((c) => [c.id, c]));

export function cosemClass(classId: number): CosemClass | undefined {
  return BY_ID.get(classId);
}

export function attributeInfo(classId: number, attributeId: number): CosemAttribute | undefined {
  return BY_ID.get(classId)?.attributes.find((a) => a.id === attributeId);
}

export function methodInfo(classId: number, methodId: number): CosemMethod | undefined {
  return BY_ID.get(classId)?.methods.find((m) => m.id === methodId);
}

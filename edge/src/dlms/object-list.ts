import { cosemClass, type DlmsValue, formatObis } from '@gridbill/shared/dlms';
import { DlmsProtocolError } from './errors.js';

/** One entry of Association LN object_list, with this association's access rights. */
export interface CosemObjectRef {
  classId: number;
  className: string;
  version: number;
  obis: string;
  /** attribute id → 'none' | 'read' | 'write' | 'read-write' (when the meter sends rights). */
  attributes?: { id: number; access: AttributeAccess }[];
  /** method id → allowed (when the meter sends rights). */
  methods?: { id: number; allowed: boolean }[];
}

export type AttributeAccess = 'none' | 'read' | 'write' | 'read-write';
const MODES: AttributeAccess[] = ['none', 'read', 'write', 'read-write'];

/**
 * Parses object_list (array of structure{class_id, version, logical_name, access_rights}).
 * Example: item {18 0046, 11 00, 09 06 0000600310FF, rights} → { classId: 70, className:
 * 'Disconnect control', version: 0, obis: '0.0.96.3.10.255', attributes: [...], methods:
 * [{ id: 1, allowed: false }, { id: 2, allowed: false }] }.
 */
export function parseObjectList(value: DlmsValue): CosemObjectRef[] {
  if (value.type !== 'array') throw new DlmsProtocolError('object_list is not an array');
  return value.items.map((item, i) => {
    const [cls, version, ln, rights] = item.type === 'structure' ? item.items : [];
    if (
      cls?.type !== 'long-unsigned' ||
      version?.type !== 'unsigned' ||
      ln?.type !== 'octet-string'
    ) {
      throw new DlmsProtocolError(`object_list[${i}] is not structure{class, version, LN, ...}`);
    }
    return {
      classId: cls.value,
      className: cosemClass(cls.value)?.name ?? 'unknown',
      version: version.value,
      obis: formatObis(ln.value),
      ...parseRights(rights),
    };
  });
}

/** Tolerant: meters differ (enum or boolean method modes, extra fields); unknown → omitted. */
function parseRights(rights: DlmsValue | undefined): Partial<CosemObjectRef> {
  if (rights?.type !== 'structure') return {};
  const [attrs, methods] = rights.items;
  const out: Partial<CosemObjectRef> = {};
  if (attrs?.type === 'array') {
    out.attributes = attrs.items.flatMap((a) => {
      const [id, mode] = a.type === 'structure' ? a.items : [];
      if (id?.type !== 'integer' || mode?.type !== 'enum') return [];
      return [{ id: id.value, access: MODES[mode.value & 3] ?? 'none' }];
    });
  }
  if (methods?.type === 'array') {
    out.methods = methods.items.flatMap((m) => {
      const [id, mode] = m.type === 'structure' ? m.items : [];
      if (id?.type !== 'integer') return [];
      const allowed =
        mode?.type === 'boolean' ? mode.value : mode?.type === 'enum' && mode.value > 0;
      return [{ id: id.value, allowed }];
    });
  }
  return out;
}

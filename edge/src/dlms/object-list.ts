import { type DlmsValue, formatObis } from '@gridbill/shared/dlms';
import { cosemClass } from '@gridbill/shared/dlms';
import { DlmsProtocolError } from './errors.js';

/** One entry of Association LN object_list. */
export interface CosemObjectRef {
  classId: number;
  className: string;
  version: number;
  obis: string;
}

/**
 * Parses object_list (array of structure{class_id, version, logical_name, access_rights}).
 * Example: item {18 0008, 17 00, 09 06 0000010000FF, ...} → { classId: 8, className: 'Clock',
 * version: 0, obis: '0.0.1.0.0.255' }.
 */
export function parseObjectList(value: DlmsValue): CosemObjectRef[] {
  if (value.type !== 'array') throw new DlmsProtocolError('object_list is not an array');
  return value.items.map((item, i) => {
    const [cls, version, ln] = item.type === 'structure' ? item.items : [];
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
    };
  });
}

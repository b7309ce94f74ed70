import { describe, expect, it } from 'vitest';
import { concatBytes, inList } from './bulk-insert.js';

describe('concatBytes', () => {
  it('joins byte strings with offsets and lengths that cut them out again', () => {
    const items = [Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3)];
    const { bytes, offsets, lengths } = concatBytes(items);
    expect([...bytes]).toEqual([1, 2, 3]);
    expect(offsets).toEqual([0, 2, 2]);
    expect(lengths).toEqual([2, 0, 1]);
    const back = items.map((_, i) => [...bytes.subarray(offsets[i], offsets[i]! + lengths[i]!)]);
    expect(back).toEqual(items.map((b) => [...b]));
    expect(concatBytes([]).bytes.length).toBe(0);
  });
});

describe('inList', () => {
  it('writes placeholders on SQLite and one array parameter on PostgreSQL', () => {
    const lite: unknown[] = ['gw'];
    expect(inList(false, 'meter_id', ['m1', 'm2'], 'text', lite)).toBe('meter_id in (?, ?)');
    expect(lite).toEqual(['gw', 'm1', 'm2']);
    const pg: unknown[] = ['gw'];
    expect(inList(true, 'day_start_ms', [1n, 2n], 'int8', pg)).toBe(
      'day_start_ms = any($2::int8[])',
    );
    expect(pg).toEqual(['gw', [1n, 2n]]);
  });
});

/**
 * A bounded set of recently seen ids (oldest forgotten first), to drop QoS 1 redeliveries.
 * Example: const ids = createRecentIds(2); ids.add('a') → true; ids.add('a') → false.
 */
export function createRecentIds(capacity: number) {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }
  const ids = new Set<string>();
  return {
    /** false when `id` was already seen. */
    add(id: string): boolean {
      if (ids.has(id)) return false;
      ids.add(id);
      if (ids.size > capacity) ids.delete(ids.values().next().value as string);
      return true;
    },
  };
}

/**
 * The ack watermark: the highest seq such that every seq from 1 up to it is committed.
 * `ackedThroughSeq` is the watermark already known; `committedSeqs` are seqs committed since
 * (any order, duplicates and seqs ≤ ackedThroughSeq allowed).
 * Example: computeWatermark(3, [5, 4, 7]) → { ackedThroughSeq: 5, expectedNextSeq: 6,
 *          missingSeqs: [6] } (7 waits until 6 arrives).
 */
export function computeWatermark(
  ackedThroughSeq: number,
  committedSeqs: Iterable<number>,
): { ackedThroughSeq: number; expectedNextSeq: number; missingSeqs: number[] } {
  if (!Number.isSafeInteger(ackedThroughSeq) || ackedThroughSeq < 0) {
    throw new RangeError(
      `computeWatermark: ackedThroughSeq must be an integer ≥ 0, got ${ackedThroughSeq}`,
    );
  }
  const pending = new Set<number>();
  let highest = ackedThroughSeq;
  for (const seq of committedSeqs) {
    if (!Number.isSafeInteger(seq) || seq < 1) {
      throw new RangeError(`computeWatermark: seq must be an integer ≥ 1, got ${seq}`);
    }
    if (seq > ackedThroughSeq) pending.add(seq);
    if (seq > highest) highest = seq;
  }
  let watermark = ackedThroughSeq;
  while (pending.has(watermark + 1)) watermark += 1;
  const missingSeqs: number[] = [];
  for (let seq = watermark + 1; seq < highest; seq += 1) {
    if (!pending.has(seq)) missingSeqs.push(seq);
  }
  return { ackedThroughSeq: watermark, expectedNextSeq: watermark + 1, missingSeqs };
}

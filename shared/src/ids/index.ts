export type { ContentIdPart } from './content-id.js';
export { contentId } from './content-id.js';
export type { RandomSource } from './random-source.js';
export { createSeededRandom, randomFraction, randomInt } from './random-source.js';
export { createUuidV7, uuidV7TimestampMs } from './uuid-v7.js';

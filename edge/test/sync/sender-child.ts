/**
 * Child process for crash tests: drains the gateway outbox at argv[2] to central at argv[3]
 * in batches of 50 (GRIDBILL_CRASH_AT may SIGKILL it at a sync durability boundary).
 */
import { createSystemClock } from '@gridbill/shared/clock';
import { createEdgeNode } from './edge-node.js';

const [file, url] = process.argv.slice(2);
if (!file || !url) throw new Error('usage: sender-child <gateway.db> <central url>');
const edge = createEdgeNode(() => url, createSystemClock(), { file, batchSize: 50 });
const outcomes = await edge.sender.drain();
edge.close();
process.stdout.write(`${JSON.stringify(outcomes.map((o) => o.kind))}\n`);

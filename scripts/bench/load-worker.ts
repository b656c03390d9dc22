/** One generator thread of scripts/bench/parallel-load.ts: runs its LoadOptions and posts the LoadResult. */
import { parentPort, workerData } from 'node:worker_threads';
import { runLoad, type LoadOptions, type PacketSet } from './load-generator.js';

const opts = workerData as LoadOptions;
// Structured clone turns each Buffer into a Uint8Array: make them Buffers again for dgram.send.
const packets: PacketSet[] = opts.packets.map((p) => ({ ...p, data: Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength) }));
const result = await runLoad({ ...opts, packets });
parentPort!.postMessage(result);

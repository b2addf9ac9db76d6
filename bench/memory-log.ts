// Node's own memory, every 2 s, from inside each `dualqa worker` process: preloaded through NODE_OPTIONS,
// which the benches' worker processes inherit. The process tree's RSS (bench/process-tree.ts) says how
// much; this says where in Node it is (V8 heap, Buffers, or native: onnxruntime, Temporal Core, malloc).
//
//   DUALQA_MEMORY_LOG_DIR=/tmp/mem NODE_OPTIONS="--require $PWD/dist/bench/memory-log.js" node dist/bench/batch-200.js
//   → /tmp/mem/worker-PID.jsonl: {t, thread, rssMb, heapTotalMb, heapUsedMb, externalMb, arrayBuffersMb} per line
// Preloads run in worker threads too, so the Temporal SDK's workflow thread logs its own V8 heap (thread ≠ 0):
// cached workflows live there, not in the main thread's heap. RSS is the whole process's in every row.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';

const dir = process.env.DUALQA_MEMORY_LOG_DIR;
// A worker thread's argv is only node's path: it knows it is in a worker from the env its parent passed on.
const isWorker = isMainThread
  ? process.argv.some((a) => a.endsWith(path.join('cli', 'main.js'))) && process.argv.includes('worker')
  : process.env.DUALQA_MEMORY_LOG_WORKER === '1';
if (isMainThread && isWorker) process.env.DUALQA_MEMORY_LOG_WORKER = '1';

if (dir && isWorker) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `worker-${process.pid}.jsonl`);
  const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
  setInterval(() => {
    const m = process.memoryUsage();
    const row = { t: Date.now(), thread: threadId, rssMb: mb(m.rss), heapTotalMb: mb(m.heapTotal), heapUsedMb: mb(m.heapUsed), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers) };
    fs.appendFileSync(file, `${JSON.stringify(row)}\n`);
  }, 2000).unref();
}

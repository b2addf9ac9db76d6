// Node's own memory, every 2 s, from inside each `dualqa worker` process: preloaded through NODE_OPTIONS,
// which the benches' worker processes inherit. The process tree's RSS (bench/process-tree.ts) says how
// much; this says where in Node it is (V8 heap, Buffers, or native: onnxruntime, Temporal Core, malloc).
//
//   DUALQA_MEMORY_LOG_DIR=/tmp/mem NODE_OPTIONS="--require $PWD/dist/bench/memory-log.js" node dist/bench/batch-200.js
//   → /tmp/mem/worker-PID.jsonl: {t, rssMb, heapTotalMb, heapUsedMb, externalMb, arrayBuffersMb} per line
import * as fs from 'node:fs';
import * as path from 'node:path';

const dir = process.env.DUALQA_MEMORY_LOG_DIR;
const isWorker = process.argv.some((a) => a.endsWith(path.join('cli', 'main.js'))) && process.argv.includes('worker');

if (dir && isWorker) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `worker-${process.pid}.jsonl`);
  const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
  setInterval(() => {
    const m = process.memoryUsage();
    const row = { t: Date.now(), rssMb: mb(m.rss), heapTotalMb: mb(m.heapTotal), heapUsedMb: mb(m.heapUsed), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers) };
    fs.appendFileSync(file, `${JSON.stringify(row)}\n`);
  }, 2000).unref();
}

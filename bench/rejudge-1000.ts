// Benchmark: re-judging 1,000 stored evidence sets with a changed rulebook (issue: under 30 s here).
// One recording is inspected for real; its report is copied under 999 more recording ids (all citing the
// same stored evidence), then `rejudgeRecordings` runs with another rulebook version.
//
//   npm run build && node dist/bench/rejudge-1000.js     (BENCH_RECORDINGS=1000)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataDir } from '../lib/config';
import { startInspection } from '../intake/inspections';
import { getJson, putJson } from '../lib/object-store';
import { runRejudge } from '../intake/rejudge';
import { generateCase } from '../fixtures/generate';
import type { Report } from '../report/types';
import { openTestStack } from '../test/helpers/test-stack';
import { startWorkerProcess } from '../test/helpers/worker-process';

const N = Number(process.env.BENCH_RECORDINGS ?? 1000);

async function main(): Promise<void> {
  const dir = path.join(dataDir(), 'bench-rejudge');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const sample = await generateCase('compliant_onsite', dir, { height: 360 });
  const t = await openTestStack('bench-rejudge', dir);
  const { stack, client, uploader } = t;
  const s3 = t.reader;
  const worker = startWorkerProcess(stack.info, path.join(dir, 'worker'));
  try {
    await uploader.fPutObject(stack.info.buckets.recordings, 'bench/sample.mp4', sample.media, {});
    const inspected = await (await startInspection(client, s3, { bucket: stack.info.buckets.recordings, key: 'bench/sample.mp4' })).result();
    const report = (await getJson<Report>(s3, stack.info.buckets.reports, inspected.reportKey))!;
    const seedStarted = Date.now();
    const queue = Array.from({ length: N - 1 }, (_, i) => `bench-${String(i + 1).padStart(5, '0')}`);
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let id = queue.shift(); id; id = queue.shift()) await putJson(s3, stack.info.buckets.reports, `${id}/r1/report.json`, { ...report, recordingId: id });
      }),
    );
    const seedS = (Date.now() - seedStarted) / 1000;
    const started = Date.now();
    const result = await runRejudge(client, { rulebook: 'cn-national@1.0.0' });
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`${'stored evidence sets'.padEnd(40)} ${result.recordings} (seeded in ${seedS.toFixed(1)} s)\n`);
    process.stdout.write(`${'re-judged with cn-national@1.0.0'.padEnd(40)} ${result.rejudged} in ${seconds.toFixed(1)} s = ${((seconds * 1000) / Math.max(1, result.rejudged)).toFixed(1)} ms per recording\n`);
    process.stdout.write(`${'verdict changes'.padEnd(40)} ${result.verdictChanges.length}\n`);
  } finally {
    await worker.stop();
    await t.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});

// The fuzzer's CI sample (#18 part 3): mutants of small valid recordings (fixtures/mutate.ts, the bench's
// mutator) go through the real worker path — upload, inspectRecording on a real Temporal + SeaweedFS, a
// `dualqa worker` process — and every one must be answered within a bound: a schema-valid report, or a
// workflow failure that is non-retryable and says why the file could not be inspected. No activity may go
// round its retries on a mutant (at most one retry, read from the workflow history), and the worker stays up.
//
//   DUALQA_FUZZ_N (default 50), DUALQA_FUZZ_SEED (default 18) pick the sample; the figures are printed as
//   test diagnostics.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type * as Minio from 'minio';
import { makeSeeds, mutantSource, mutate } from '../../fixtures/mutate';
import { whereItStands } from '../../intake/inspect';
import { startInspection } from '../../intake/inspections';
import { getJson } from '../../lib/object-store';
import type { Report } from '../../report/types';
import { validateReport } from '../../report/validate';
import type { StackHandle } from '../../stack';
import { ERROR_TYPES } from '../../temporal.config';
import { tempDir } from '../helpers/media';
import { openWorkerStack, type WorkerStack } from '../helpers/worker-stack';

const N = Number(process.env.DUALQA_FUZZ_N ?? 50);
const SEED = Number(process.env.DUALQA_FUZZ_SEED ?? 18);
/** From the start of one mutant's inspection to its answer. */
const BOUND_MS = 150_000;
/** Inspections in flight at once (the worker takes what its slots allow). */
const IN_FLIGHT = 3;
const NON_RETRYABLE = new Set<string>([ERROR_TYPES.badMedia, ERROR_TYPES.badInput]);

let stack: StackHandle;
let ws: WorkerStack;
let client: Client;
let uploader: Minio.Client;
let reader: Minio.Client;
const root = tempDir('dualqa-fuzz-');

interface Answer {
  name: string;
  outcome: 'report' | 'refused' | 'unanswered';
  ms: number;
  what: string;
  maxAttempt: number;
  /** The activity retried and its earlier failure. */
  retriedWhy: string;
}

/** The highest attempt of any activity in the workflow's history (1 = nothing retried), and why the last retried one was. */
async function attempts(workflowId: string): Promise<{ max: number; why: string }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  let max = 1;
  let why = '';
  const names = new Map<string, string>();
  for (const e of history.events ?? []) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) names.set(String(e.eventId), scheduled.activityType?.name ?? '?');
    const started = e.activityTaskStartedEventAttributes;
    if (started?.attempt && started.attempt > 1) {
      why = `${names.get(String(started.scheduledEventId)) ?? '?'}: ${started.lastFailure?.message ?? '?'}`;
      if (started.attempt > max) max = started.attempt;
    }
  }
  return { max, why };
}

/** A failure is an answer when it is non-retryable and names its reason: the file could not be inspected. */
function refusal(err: unknown): string | null {
  if (!(err instanceof WorkflowFailedError)) return null;
  let cause: unknown = err.cause;
  while (cause instanceof ActivityFailure) cause = cause.cause;
  if (!(cause instanceof ApplicationFailure)) return null;
  if (!cause.nonRetryable && !NON_RETRYABLE.has(cause.type ?? '')) return null;
  return cause.message ? `${cause.type}: ${cause.message}` : null;
}

async function inspectMutant(name: string, file: string): Promise<Answer> {
  const bucket = stack.info.buckets.recordings;
  const key = `fuzz/${name}`;
  await uploader.fPutObject(bucket, key, file, {});
  const started = Date.now();
  const inspection = await startInspection(client, reader, { bucket, key });
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'bound'>((resolve) => (timer = setTimeout(() => resolve('bound'), BOUND_MS)));
  const result = await Promise.race([
    inspection.result().then(
      (r) => ({ ok: true as const, r }),
      (err: unknown) => ({ ok: false as const, err }),
    ),
    bound,
  ]);
  clearTimeout(timer);
  const ms = Date.now() - started;
  if (result === 'bound') {
    const handle = client.workflow.getHandle(inspection.workflowId);
    const where = await whereItStands(handle);
    await handle.terminate('fuzz test: no answer within the bound').catch(() => undefined);
    const a = await attempts(inspection.workflowId);
    return { name, outcome: 'unanswered', ms, what: `no answer within ${BOUND_MS / 1000} s: ${where}`, maxAttempt: a.max, retriedWhy: a.why };
  }
  const { max: maxAttempt, why: retriedWhy } = await attempts(inspection.workflowId);
  const seen = { maxAttempt, retriedWhy };
  if (result.ok) {
    const report = await getJson<Report>(reader, stack.info.buckets.reports, result.r.reportKey);
    if (!report) return { name, outcome: 'unanswered', ms, what: `no report at ${result.r.reportKey}`, ...seen };
    const problems = validateReport(report);
    if (problems.length) return { name, outcome: 'unanswered', ms, what: `invalid report: ${problems.slice(0, 3).join('; ')}`, ...seen };
    const continuity = report.steps.find((s) => s.id === 'continuity');
    return { name, outcome: 'report', ms, what: `${report.verdict}, continuity ${continuity?.verdict ?? '?'}`, ...seen };
  }
  const why = refusal(result.err);
  if (why) return { name, outcome: 'refused', ms, what: why.slice(0, 200), ...seen };
  const err = result.err;
  return { name, outcome: 'unanswered', ms, what: `retryable or unexplained failure: ${err instanceof Error ? `${err.message} / ${String((err as { cause?: unknown }).cause)}` : String(err)}`.slice(0, 300), ...seen };
}

describe(`fuzzer CI sample: ${N} mutants through the real worker path (seed ${SEED})`, { timeout: 40 * 60_000 }, () => {
  before(async () => {
    ws = await openWorkerStack('fuzz', root);
    ({ stack, client, uploader, reader } = ws);
  });

  after(async () => {
    await ws?.close();
  });

  it(`every mutant is answered within ${BOUND_MS / 1000} s, with at most one retry, and the worker stays up`, async (t) => {
    const seedDir = fs.mkdtempSync(path.join(root, 'seeds-'));
    const seeds = await makeSeeds(seedDir, 2);
    const r = mutantSource(SEED);
    // DUALQA_FUZZ_ONLY=3,17: only those mutants of the sample (to replay a failure).
    const only = process.env.DUALQA_FUZZ_ONLY ? new Set(process.env.DUALQA_FUZZ_ONLY.split(',').map(Number)) : null;
    const mutants = Array.from({ length: N }, (_, i) => {
      const m = mutate(seeds, r);
      const name = `${String(i + 1).padStart(3, '0')}-${m.applied.join('+')}-${path.basename(m.seed)}`;
      const file = path.join(root, name);
      fs.writeFileSync(file, m.bytes);
      return { name, file, n: i + 1 };
    }).filter((m) => !only || only.has(m.n));
    const started = Date.now();
    const answers: Answer[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < mutants.length) {
          const m = mutants[next++]!;
          const a = await inspectMutant(m.name, m.file);
          answers.push(a);
          if (a.outcome === 'unanswered' || a.maxAttempt > 2) t.diagnostic(`NOT ANSWERED WELL ${a.name}: ${a.what} (attempt ${a.maxAttempt})`);
        }
      }),
    );
    const count = (o: Answer['outcome']) => answers.filter((a) => a.outcome === o).length;
    const slowest = answers.slice().sort((a, b) => b.ms - a.ms).slice(0, 3);
    const retried = answers.filter((a) => a.maxAttempt > 1);
    t.diagnostic(`${answers.length} mutants in ${((Date.now() - started) / 1000).toFixed(0)} s: ${count('report')} reports, ${count('refused')} refused (non-retryable, with the reason), ${count('unanswered')} unanswered; ${retried.length} retried once or more`);
    for (const s of slowest) t.diagnostic(`slow: ${(s.ms / 1000).toFixed(1)} s ${s.name}: ${s.what}`);
    for (const a of answers.filter((x) => x.outcome === 'refused')) t.diagnostic(`refused: ${a.name}: ${a.what}`);
    for (const a of retried) t.diagnostic(`retried: ${a.name}: attempt ${a.maxAttempt} (${a.retriedWhy}), ${a.outcome}, ${a.what}`);

    assert.equal(answers.length, mutants.length);
    assert.deepEqual(answers.filter((a) => a.outcome === 'unanswered').map((a) => `${a.name}: ${a.what}`), []);
    assert.deepEqual(answers.filter((a) => a.maxAttempt > 2).map((a) => `${a.name}: attempt ${a.maxAttempt}`), [], 'an activity went round its retries on a mutant');
    assert.equal(ws.worker.child.exitCode, null, `the worker died: ${ws.worker.output().slice(-2000)}`);
    // Failures of every kind went through the worker's log: no S3 secret key in it (the DB password is not
    // given to workers).
    const secrets = [stack.info.s3.worker.secretKey, stack.info.s3.uploader.secretKey, stack.info.s3.admin?.secretKey].filter((x): x is string => Boolean(x && x.length >= 8));
    assert.ok(secrets.length >= 2);
    const log = ws.worker.output();
    assert.ok(log.length > 0);
    for (const secret of secrets) assert.ok(!log.includes(secret), 'an S3 secret key is in the worker log');
  });
});

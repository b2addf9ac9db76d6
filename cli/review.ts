// CLI commands for people who review and regulators who sample: keys, catalogue, sample, verify,
// review serve / add-reviewer, export-labels. Registered on the main program by registerReviewCommands.
import * as fs from 'node:fs';
import type { Command } from 'commander';
import { openSqliteCatalogue, catalogueFile } from '../catalogue/sqlite';
import { syncCatalogue } from '../catalogue/sync';
import { STRATUM_FIELDS, type StratumField } from '../catalogue/sample';
import { dataDir } from '../lib/config';
import { initSigningKey, loadPublicKey, loadSigningKey, publicKeyFileOf, signingKeyFile } from '../signing/keys';
import { verifyReportFile } from '../signing/report-signature';
import { exportSample } from '../signing/sample-export';
import { verifySampleDir } from '../signing/verify-sample';
import { exportLabels } from '../review/export-labels';
import { addReviewer, reviewersFile } from '../review/reviewers';
import { startReviewServer } from '../review/server';
import { openSession } from './session';

function dateBound(value: string, end: boolean): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T${end ? '23:59:59.999' : '00:00:00.000'}Z`;
  const t = Date.parse(value);
  if (!Number.isFinite(t)) throw new Error(`not a date: ${value}`);
  return new Date(t).toISOString();
}

async function withCatalogue<T>(run: (session: Awaited<ReturnType<typeof openSession>>, catalogue: Awaited<ReturnType<typeof openSqliteCatalogue>>) => Promise<T>, inlineWorkers: 'never' | 'auto' = 'never'): Promise<T> {
  const session = await openSession({ inlineWorkers });
  const catalogue = await openSqliteCatalogue(catalogueFile(dataDir()));
  try {
    return await run(session, catalogue);
  } finally {
    await catalogue.close();
    await session.close();
  }
}

export function registerReviewCommands(program: Command): void {
  const keys = program.command('keys').description('the Ed25519 key that signs reports and samples (DUALQA_SIGNING_KEY)');
  keys
    .command('init')
    .description('create the signing key pair if absent; prints the public key file and key id')
    .action(() => {
      const r = initSigningKey();
      process.stdout.write(`${r.created ? 'created' : 'exists'}: ${r.file} (public: ${r.publicFile}, key id ${r.keyId})\n`);
    });

  program
    .command('catalogue')
    .description('the catalogue of inspections (embedded SQLite at DUALQA_CATALOGUE)')
    .command('sync')
    .description('add every report revision in the reports bucket that the catalogue lacks')
    .action(async () => {
      await withCatalogue(async (session, catalogue) => {
        const r = await syncCatalogue(catalogue, { s3: session.reader, buckets: session.info.buckets });
        process.stdout.write(`${r.added} revision(s) added, ${r.seen} seen\n`);
      });
    });

  program
    .command('sample')
    .description('draw a reproducible stratified sample of inspected recordings and export it, signed')
    .requiredOption('--from <date>', 'recorded from (inclusive)')
    .requiredOption('--to <date>', 'recorded to (inclusive)')
    .option('--n <n>', 'how many recordings', '50')
    .option('--strata <fields>', `comma-separated: ${STRATUM_FIELDS.join(',')}`, '')
    .requiredOption('--seed <seed>', 'the same seed draws the same sample')
    .requiredOption('--out <dir>', 'an empty or new folder')
    .action(async (opts: { from: string; to: string; n: string; strata: string; seed: string; out: string }) => {
      const strata = opts.strata.split(',').filter(Boolean) as StratumField[];
      for (const s of strata) if (!STRATUM_FIELDS.includes(s)) throw new Error(`unknown stratum ${s}`);
      await withCatalogue(async (session, catalogue) => {
        await syncCatalogue(catalogue, { s3: session.reader, buckets: session.info.buckets });
        const request = { from: dateBound(opts.from, false), to: dateBound(opts.to, true), n: Number(opts.n), strata, seed: opts.seed };
        const manifest = await exportSample({ catalogue, s3: session.reader, buckets: session.info.buckets, key: loadSigningKey() }, request, opts.out);
        process.stdout.write(`${manifest.recordings.length} of ${manifest.population} recording(s), ${manifest.files.length} files, signed by key ${manifest.keyId} → ${opts.out}\n`);
      });
    });

  program
    .command('verify <path>')
    .description('verify a sample folder (every hash and the signature) or a signed report.json')
    .option('--public-key <file>', 'the trusted public key (default: the configured signing key)')
    .option('--recording <file>', 'for a report: also check this recording file against the sha256 it judged')
    .action(async (target: string, opts: { publicKey?: string; recording?: string }) => {
      const keyFile = opts.publicKey ?? (fs.existsSync(publicKeyFileOf(signingKeyFile())) ? publicKeyFileOf(signingKeyFile()) : signingKeyFile());
      const publicKey = loadPublicKey(keyFile);
      const result = fs.statSync(target).isDirectory() ? await verifySampleDir(target, publicKey) : await verifyReportFile(target, publicKey, opts.recording);
      for (const p of result.problems) process.stdout.write(`FAIL ${p}\n`);
      process.stdout.write(result.ok ? `OK ${target}\n` : `NOT VERIFIED ${target}: ${result.problems.length} problem(s)\n`);
      if (!result.ok) process.exitCode = 1;
    });

  const review = program.command('review').description('the reviewers\u2019 web server');
  review
    .command('serve')
    .description('serve the review queue and recording pages (sign-in with reviewer tokens)')
    .option('--port <port>', 'port', '8088')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .action(async (opts: { port: string; host: string }) => {
      const session = await openSession({ inlineWorkers: 'auto' });
      const catalogue = await openSqliteCatalogue(catalogueFile(dataDir()));
      const server = await startReviewServer(
        { catalogue, s3: session.reader, buckets: session.info.buckets, temporal: session.client, logger: session.logger, reviewersFile: reviewersFile(), secureCookies: process.env.DUALQA_SECURE_COOKIES === '1' },
        Number(opts.port),
        opts.host,
      );
      process.stdout.write(`review server on ${server.url} (reviewers: ${reviewersFile()})\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
      await catalogue.close();
      await session.close();
    });
  review
    .command('add-reviewer <id>')
    .description('add a reviewer (or renew their token); prints the token once')
    .option('--name <name>', 'display name')
    .action((id: string, opts: { name?: string }) => {
      process.stdout.write(`${addReviewer(id, opts.name ?? id)}\n`);
    });

  program
    .command('export-labels')
    .description('write recordings a reviewer overrode in the labelled-recordings format (numbers masked)')
    .requiredOption('--out <dir>', 'output folder')
    .action(async (opts: { out: string }) => {
      await withCatalogue(async (session, catalogue) => {
        await syncCatalogue(catalogue, { s3: session.reader, buckets: session.info.buckets });
        const r = await exportLabels({ catalogue, s3: session.reader, buckets: session.info.buckets }, opts.out);
        process.stdout.write(`${r.cases.length} labelled case(s) → ${opts.out}\n`);
      });
    });
}

// CLI commands for people who review and regulators who sample: keys, catalogue (sync, rebuild,
// import-sqlite), sample, verify, review serve / add-reviewer / disable / remove, export-labels.
// Registered on the main program by registerReviewCommands. The catalogue is PostgreSQL: the embedded
// server of the stack, or DUALQA_DATABASE_URL.
import type { KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { importSqliteCatalogue } from '../catalogue/import-sqlite';
import { openPgCatalogue, type PgCatalogue } from '../catalogue/postgres';
import { rebuildCatalogue, syncCatalogue, type CatalogueSources } from '../catalogue/sync';
import { ROLES, type Role } from '../catalogue/types';
import { STRATUM_FIELDS, type StratumField } from '../catalogue/sample';
import { dataDir } from '../lib/config';
import { loadOrCreateHashKey } from '../stack/identities';
import { initSigningKey, loadPublicKey, loadSigningKey, publicKeyFileOf, signingKeyFile } from '../signing/keys';
import { verifyReportFile } from '../signing/report-signature';
import { exportSample } from '../signing/sample-export';
import { verifySampleDir } from '../signing/verify-sample';
import { exportLabels } from '../review/export-labels';
import { addReviewer, importReviewersFile, isRole, legacyReviewersFile } from '../review/reviewers';
import { startReviewServer } from '../review/server';
import { openSession } from './session';

function dateBound(value: string, end: boolean): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T${end ? '23:59:59.999' : '00:00:00.000'}Z`;
  const t = Date.parse(value);
  if (!Number.isFinite(t)) throw new Error(`not a date: ${value}`);
  return new Date(t).toISOString();
}

/** The public key report signatures are checked against: the configured signing key's, when there is one. */
function trustedKey(): KeyObject | null {
  const pub = publicKeyFileOf(signingKeyFile());
  if (fs.existsSync(pub)) return loadPublicKey(pub);
  return fs.existsSync(signingKeyFile()) ? loadPublicKey(signingKeyFile()) : null;
}

function sourcesOf(session: Awaited<ReturnType<typeof openSession>>): CatalogueSources {
  return { s3: session.reader, buckets: session.info.buckets, trustedKey: trustedKey(), hashKey: loadOrCreateHashKey(dataDir()) };
}

async function withCatalogue<T>(run: (session: Awaited<ReturnType<typeof openSession>>, catalogue: PgCatalogue) => Promise<T>, inlineWorkers: 'never' | 'auto' = 'never'): Promise<T> {
  const session = await openSession({ inlineWorkers, database: true });
  let catalogue: PgCatalogue | undefined;
  try {
    catalogue = await openPgCatalogue(session.info.database!.url);
    return await run(session, catalogue);
  } finally {
    await catalogue?.close();
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

  const catalogueCmd = program.command('catalogue').description('the catalogue of inspections (PostgreSQL: embedded, or DUALQA_DATABASE_URL)');
  const printSync = (r: { added: number; seen: number; badSignatures: string[] }): void => {
    process.stdout.write(`${r.added} revision(s) added, ${r.seen} seen\n`);
    for (const k of r.badSignatures) process.stdout.write(`SIGNATURE DOES NOT VERIFY ${k}\n`);
    if (r.badSignatures.length > 0) process.exitCode = 1;
  };
  catalogueCmd
    .command('sync')
    .description('add every report revision in the reports bucket that the catalogue lacks')
    .action(async () => {
      await withCatalogue(async (session, catalogue) => {
        printSync(await syncCatalogue(catalogue, sourcesOf(session)));
        await catalogue.refreshDashboard();
      });
    });
  catalogueCmd
    .command('rebuild')
    .description('recreate inspections, revisions, outcomes and decisions from the buckets (audit, reviewers and sessions are kept)')
    .action(async () => {
      await withCatalogue(async (session, catalogue) => {
        printSync(await rebuildCatalogue(catalogue, sourcesOf(session)));
        await catalogue.refreshDashboard();
      });
    });
  catalogueCmd
    .command('import-sqlite [file]')
    .description('one-off: move the SQLite catalogue of earlier versions (and reviewers.json) into PostgreSQL')
    .action(async (file: string | undefined) => {
      const source = file ?? process.env.DUALQA_CATALOGUE ?? path.join(dataDir(), 'catalogue.sqlite');
      if (!fs.existsSync(source)) throw new Error(`no SQLite catalogue at ${source}`);
      await withCatalogue(async (_session, catalogue) => {
        const r = await importSqliteCatalogue(source, catalogue);
        const reviewers = await importReviewersFile(catalogue, legacyReviewersFile());
        process.stdout.write(
          `imported ${r.inspections} inspection(s), ${r.revisions} new revision(s), ${r.decisions} decision(s), ` +
            `${r.auditSkipped ? 'audit skipped (the audit table was not empty)' : `${r.audit} audit row(s)`}, ${reviewers} reviewer(s) from ${source}\n`,
        );
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
        await syncCatalogue(catalogue, sourcesOf(session));
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
      const session = await openSession({ inlineWorkers: 'auto', database: true });
      const catalogue = await openPgCatalogue(session.info.database!.url);
      const { trustedKey: key, hashKey } = sourcesOf(session);
      const server = await startReviewServer(
        { catalogue, s3: session.reader, buckets: session.info.buckets, temporal: session.client, logger: session.logger, trustedKey: key, hashKey, secureCookies: process.env.DUALQA_SECURE_COOKIES === '1' },
        Number(opts.port),
        opts.host,
      );
      process.stdout.write(`review server on ${server.url}\n`);
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
    .description('add a reviewer (or renew their token, name and role, and enable them); prints the token once')
    .option('--name <name>', 'display name')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'reviewer')
    .action(async (id: string, opts: { name?: string; role: string }) => {
      if (!isRole(opts.role)) throw new Error(`--role: one of ${ROLES.join(', ')}`);
      const role: Role = opts.role;
      await withCatalogue(async (_s, catalogue) => {
        const token = await addReviewer(catalogue, id, opts.name ?? id, role);
        await catalogue.audit({ actor: 'cli', action: 'reviewer-added', recordingId: null, detail: `${id} (${role})` });
        process.stdout.write(`${token}\n`);
      });
    });
  for (const [name, disabled] of [['disable-reviewer', true], ['enable-reviewer', false]] as const) {
    review
      .command(`${name} <id>`)
      .description(disabled ? 'take a reviewer\u2019s access away (from their next request); decisions and audit keep their id' : 'give a disabled reviewer access again')
      .action(async (id: string) => {
        await withCatalogue(async (_s, catalogue) => {
          if (!(await catalogue.setReviewerDisabled(id, disabled))) throw new Error(`no reviewer ${id}`);
          await catalogue.audit({ actor: 'cli', action: disabled ? 'reviewer-disabled' : 'reviewer-enabled', recordingId: null, detail: id });
          process.stdout.write(`${id} ${disabled ? 'disabled' : 'enabled'}\n`);
        });
      });
  }
  review
    .command('remove-reviewer <id>')
    .description('remove a reviewer and their sessions; decisions and audit keep their id')
    .action(async (id: string) => {
      await withCatalogue(async (_s, catalogue) => {
        if (!(await catalogue.removeReviewer(id))) throw new Error(`no reviewer ${id}`);
        await catalogue.audit({ actor: 'cli', action: 'reviewer-removed', recordingId: null, detail: id });
        process.stdout.write(`${id} removed\n`);
      });
    });
  review
    .command('list-reviewers')
    .description('reviewers with their roles')
    .action(async () => {
      await withCatalogue(async (_s, catalogue) => {
        for (const r of await catalogue.reviewers()) process.stdout.write(`${r.id}\t${r.role}\t${r.disabled ? 'disabled' : 'enabled'}\t${r.name}\n`);
      });
    });

  program
    .command('export-labels')
    .description('write recordings a reviewer overrode in the labelled-recordings format (numbers masked)')
    .requiredOption('--out <dir>', 'output folder')
    .action(async (opts: { out: string }) => {
      await withCatalogue(async (session, catalogue) => {
        await syncCatalogue(catalogue, sourcesOf(session));
        const r = await exportLabels({ catalogue, s3: session.reader, buckets: session.info.buckets }, opts.out);
        process.stdout.write(`${r.cases.length} labelled case(s) → ${opts.out}\n`);
      });
    });
}

// A regulator's sample as a folder: the recordings (copied from S3 and checked against their catalogued
// sha256), every report revision with its signature, the review decisions, and manifest.json listing the
// sha256 of every file, signed by manifest.sig.json. Personal numbers stay masked in everything written.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Minio from 'minio';
import type { Catalogue, InspectionRow } from '../catalogue/types';
import type { SampleOptions } from '../catalogue/sample';
import { downloadWithSha256, exists, getBytes } from '../lib/object-store';
import { signatureKeyOf } from '../evidence/layout';
import { maskDeep, maskText } from '../lib/mask';
import type { SigningKey } from './keys';
import { sha256Hex, signFile } from './signature';

export const MANIFEST = 'manifest.json';
export const MANIFEST_SIGNATURE = 'manifest.sig.json';
export const PUBLIC_KEY_COPY = 'public-key.pem';

export interface SampleRequest extends SampleOptions {
  from: string;
  to: string;
}

export interface Manifest {
  version: 1;
  createdAt: string;
  keyId: string;
  request: SampleRequest;
  /** In the catalogue for the period, before sampling. */
  population: number;
  recordings: { recordingId: string; stratum: string; key: string; sha256: string; verdict: string; recordedAt: string }[];
  files: { path: string; sha256: string; bytes: number }[];
}

export interface ExportSources {
  catalogue: Catalogue;
  s3: Minio.Client;
  buckets: { recordings: string; reports: string };
  key: SigningKey;
}

function extensionOf(objectKey: string): string {
  const m = objectKey.match(/\.[A-Za-z0-9]{1,5}$/);
  return m ? m[0].toLowerCase() : '.bin';
}

export async function exportSample(src: ExportSources, request: SampleRequest, outDir: string): Promise<Manifest> {
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) throw new Error(`${outDir} is not empty`);
  fs.mkdirSync(outDir, { recursive: true });
  // Drawn in the database (the same draw as drawSample, without loading the period's rows).
  const { population, rows: picked } = await src.catalogue.sample(request);
  const files: Manifest['files'] = [];
  const write = (rel: string, bytes: Buffer): void => {
    const file = path.join(outDir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
    files.push({ path: rel, sha256: sha256Hex(bytes), bytes: bytes.length });
  };
  for (const { row } of picked) {
    await copyRecording(src, row, outDir, files);
    for (const rev of await src.catalogue.revisions(row.recordingId)) {
      for (const key of [rev.reportKey, signatureKeyOf(rev.reportKey)]) {
        if (key !== rev.reportKey && !(await exists(src.s3, src.buckets.reports, key))) continue;
        write(path.posix.join('reports', key), await getBytes(src.s3, src.buckets.reports, key));
      }
    }
    const decisions = maskDeep(await src.catalogue.decisions(row.recordingId));
    write(path.posix.join('decisions', `${row.recordingId}.json`), Buffer.from(`${JSON.stringify(decisions, null, 2)}\n`));
  }
  write(PUBLIC_KEY_COPY, Buffer.from(src.key.publicKey.export({ type: 'spki', format: 'pem' })));
  const manifest: Manifest = {
    version: 1,
    createdAt: new Date().toISOString(),
    keyId: src.key.keyId,
    request,
    population,
    recordings: picked.map(({ row, stratum }) => ({
      recordingId: row.recordingId,
      stratum,
      key: maskText(row.objectKey),
      sha256: row.sha256,
      verdict: row.verdict,
      recordedAt: row.recordedAt,
    })),
    files: files.sort((a, b) => a.path.localeCompare(b.path)),
  };
  const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, MANIFEST), bytes);
  fs.writeFileSync(path.join(outDir, MANIFEST_SIGNATURE), `${JSON.stringify(signFile(bytes, src.key, 'dualqa-sample-manifest-v1'), null, 2)}\n`);
  return manifest;
}

/** Streams the recording version to disk; a copy whose sha256 differs from the catalogue's is refused. */
async function copyRecording(src: ExportSources, row: InspectionRow, outDir: string, files: Manifest['files']): Promise<void> {
  const rel = path.posix.join('recordings', `${row.recordingId}${extensionOf(row.objectKey)}`);
  const { sha256, bytes } = await downloadWithSha256(src.s3, { bucket: row.bucket, key: row.objectKey, versionId: row.versionId }, path.join(outDir, rel));
  if (sha256 !== row.sha256) throw new Error(`recording ${row.recordingId} in S3 has sha256 ${sha256}, inspected ${row.sha256}`);
  files.push({ path: rel, sha256, bytes });
}

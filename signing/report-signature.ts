// Signing a stored report revision: report.sig.json beside report.json binds the report's exact bytes to
// the sha256 of the recording it judged. Verifying a local copy needs the signature file beside it and
// the trusted public key; given the recording too, its bytes are checked against that sha256.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, type KeyObject } from 'node:crypto';
import type * as Minio from 'minio';
import { exists, getBytes, getJson, putJson } from '../lib/object-store';
import type { Report } from '../report/types';
import { signatureKeyOf } from '../evidence/layout';
import { loadSigningKeyIfPresent, signingKeyFile, type SigningKey } from './keys';
import { checkSignature, signFile, type DetachedSignature } from './signature';

/** Signs reports/<id>/r<N>/report.json as stored (once: an existing signature is kept). */
export async function signStoredReport(s3: Minio.Client, bucket: string, reportKey: string, key: SigningKey): Promise<DetachedSignature> {
  const sigKey = signatureKeyOf(reportKey);
  if (await exists(s3, bucket, sigKey)) return (await getJson<DetachedSignature>(s3, bucket, sigKey))!;
  const bytes = await getBytes(s3, bucket, reportKey);
  const report = JSON.parse(bytes.toString('utf8')) as Report;
  const sig = signFile(bytes, key, 'dualqa-report-v1', report.recording.sha256);
  await putJson(s3, bucket, sigKey, sig);
  return sig;
}

export interface ReportCheck {
  ok: boolean;
  problems: string[];
  recordingSha256: string | null;
}

/** Checks a local report.json against report.sig.json beside it, and optionally the recording file. */
export async function verifyReportFile(reportFile: string, publicKey: KeyObject, recordingFile?: string): Promise<ReportCheck> {
  const sigFile = path.join(path.dirname(reportFile), signatureKeyOf(path.basename(reportFile)));
  if (!fs.existsSync(sigFile)) return { ok: false, problems: [`no signature file ${sigFile}`], recordingSha256: null };
  const bytes = fs.readFileSync(reportFile);
  const sig = JSON.parse(fs.readFileSync(sigFile, 'utf8')) as DetachedSignature;
  const problems = checkSignature(bytes, sig, publicKey, 'dualqa-report-v1');
  let report: Report | null = null;
  try {
    report = JSON.parse(bytes.toString('utf8')) as Report;
  } catch {
    problems.push('report.json is not JSON');
  }
  if (report && report.recording?.sha256 !== sig.recordingSha256) problems.push('the report names a different recording sha256 than the signature');
  if (recordingFile) {
    const actual = await sha256OfFile(recordingFile);
    if (actual !== sig.recordingSha256) problems.push(`recording ${path.basename(recordingFile)} has sha256 ${actual}, the report judged ${String(sig.recordingSha256)}`);
  }
  return { ok: problems.length === 0, problems, recordingSha256: sig.recordingSha256 ?? null };
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

let cachedKey: { file: string; key: SigningKey | null } | undefined;

/**
 * The hook the report activity calls: signs the stored revision when a signing key is configured
 * (DUALQA_SIGNING_KEY or the data dir's default); without a key, reports are written unsigned.
 */
export async function signReportIfKeyed(s3: Minio.Client, bucket: string, reportKey: string): Promise<DetachedSignature | null> {
  const file = signingKeyFile();
  if (cachedKey?.file !== file || !cachedKey.key) cachedKey = { file, key: loadSigningKeyIfPresent(file) };
  return cachedKey.key ? signStoredReport(s3, bucket, reportKey, cachedKey.key) : null;
}

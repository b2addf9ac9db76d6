// Verifying a sample folder: the manifest's signature against the trusted public key, then every listed
// file's sha256 and size, and no file in the folder that the manifest does not list.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { sha256OfFile } from './report-signature';
import { MANIFEST, MANIFEST_SIGNATURE, type Manifest } from './sample-export';
import { checkSignature, type DetachedSignature } from './signature';

export interface SampleCheck {
  ok: boolean;
  files: number;
  problems: string[];
}

function listFiles(dir: string, base = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, base), { withFileTypes: true })) {
    const rel = base ? path.posix.join(base, entry.name) : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out;
}

export async function verifySampleDir(dir: string, publicKey: KeyObject): Promise<SampleCheck> {
  const manifestFile = path.join(dir, MANIFEST);
  const sigFile = path.join(dir, MANIFEST_SIGNATURE);
  if (!fs.existsSync(manifestFile) || !fs.existsSync(sigFile)) return { ok: false, files: 0, problems: [`${MANIFEST} or ${MANIFEST_SIGNATURE} missing`] };
  const bytes = fs.readFileSync(manifestFile);
  const problems = checkSignature(bytes, JSON.parse(fs.readFileSync(sigFile, 'utf8')) as DetachedSignature, publicKey, 'dualqa-sample-manifest-v1').map((p) => `manifest: ${p}`);
  const manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const f of manifest.files) {
    const file = path.join(dir, f.path);
    if (path.relative(dir, file).startsWith('..')) {
      problems.push(`${f.path}: outside the folder`);
      continue;
    }
    if (!fs.existsSync(file)) {
      problems.push(`${f.path}: missing`);
      continue;
    }
    const actual = await sha256OfFile(file);
    if (actual !== f.sha256) problems.push(`${f.path}: sha256 ${actual}, manifest says ${f.sha256}`);
    else if (fs.statSync(file).size !== f.bytes) problems.push(`${f.path}: size differs from the manifest`);
  }
  for (const rel of listFiles(dir)) {
    if (rel !== MANIFEST && rel !== MANIFEST_SIGNATURE && !listed.has(rel)) problems.push(`${rel}: not in the manifest`);
  }
  return { ok: problems.length === 0, files: manifest.files.length, problems };
}

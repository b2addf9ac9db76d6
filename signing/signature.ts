// Detached Ed25519 signatures over a file's bytes. The signed message binds a purpose label and the
// file's sha256 (plus, for reports, the recording's sha256), so a signature for one kind of file can't be
// passed off as another, and verification names which part failed.
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { keyIdOf, type SigningKey } from './keys';

export type SignedPurpose = 'dualqa-report-v1' | 'dualqa-sample-manifest-v1';

export interface DetachedSignature {
  alg: 'Ed25519';
  purpose: SignedPurpose;
  keyId: string;
  /** sha256 of the signed file's bytes. */
  sha256: string;
  /** Reports only: the sha256 of the recording version the report is about. */
  recordingSha256?: string;
  signedAt: string;
  /** base64 */
  signature: string;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function message(purpose: SignedPurpose, sha256: string, recordingSha256?: string): Buffer {
  return Buffer.from([purpose, sha256, recordingSha256 ?? ''].join('\n'), 'utf8');
}

export function signFile(bytes: Buffer, key: SigningKey, purpose: SignedPurpose, recordingSha256?: string): DetachedSignature {
  const sha256 = sha256Hex(bytes);
  return {
    alg: 'Ed25519',
    purpose,
    keyId: key.keyId,
    sha256,
    ...(recordingSha256 ? { recordingSha256 } : {}),
    signedAt: new Date().toISOString(),
    signature: sign(null, message(purpose, sha256, recordingSha256), key.privateKey).toString('base64'),
  };
}

/** Every reason the signature does not hold for these bytes and this public key; empty when it does. */
export function checkSignature(bytes: Buffer, sig: DetachedSignature, publicKey: KeyObject, purpose: SignedPurpose): string[] {
  const problems: string[] = [];
  if (sig.alg !== 'Ed25519') problems.push(`unsupported algorithm ${String(sig.alg)}`);
  if (sig.purpose !== purpose) problems.push(`signature is for ${String(sig.purpose)}, not ${purpose}`);
  if (sig.keyId !== keyIdOf(publicKey)) problems.push(`signed by key ${sig.keyId}, expected ${keyIdOf(publicKey)}`);
  const actual = sha256Hex(bytes);
  if (actual !== sig.sha256) problems.push(`content sha256 ${actual} differs from the signed ${sig.sha256}`);
  const valid = verify(null, message(sig.purpose, sig.sha256, sig.recordingSha256), publicKey, Buffer.from(sig.signature, 'base64'));
  if (!valid) problems.push('the Ed25519 signature does not verify');
  return problems;
}

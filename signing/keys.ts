// The Ed25519 key that signs reports and regulator samples. The private key lives in a PEM file named by
// DUALQA_SIGNING_KEY (default: <data dir>/signing/ed25519.pem, mode 0600); its public half sits beside it
// as .pub.pem and is what a regulator is given. `dualqa keys init` creates the pair when absent.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataDir } from '../lib/config';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

export function signingKeyFile(): string {
  return process.env.DUALQA_SIGNING_KEY ?? path.join(dataDir(), 'signing', 'ed25519.pem');
}

export function publicKeyFileOf(privateKeyFile: string): string {
  return privateKeyFile.replace(/\.pem$/, '') + '.pub.pem';
}

/** A short, stable name of a public key: the first 16 hex digits of the sha256 of its SPKI encoding. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** Creates the key pair unless the private key file exists; returns whether it created one. */
export function initSigningKey(file = signingKeyFile()): { created: boolean; file: string; publicFile: string; keyId: string } {
  const publicFile = publicKeyFileOf(file);
  if (fs.existsSync(file)) return { created: false, file, publicFile, keyId: loadSigningKey(file).keyId };
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  fs.writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }));
  return { created: true, file, publicFile, keyId: keyIdOf(publicKey) };
}

export function loadSigningKey(file = signingKeyFile()): SigningKey {
  const privateKey = createPrivateKey(fs.readFileSync(file));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 private key`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** The signing key when one is configured and present; null otherwise (signing is then skipped). */
export function loadSigningKeyIfPresent(file = signingKeyFile()): SigningKey | null {
  return fs.existsSync(file) ? loadSigningKey(file) : null;
}

/** A public key from a PEM file holding either half of the pair. */
export function loadPublicKey(file: string): KeyObject {
  const pem = fs.readFileSync(file);
  const key = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 key`);
  return key;
}

// Where a room's certificate lives between runs, so its fingerprint stays the same: a folder holding
// `cert.pem` and `key.pem` (the key readable by its owner only), created on first use; or two files the user names.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatError, errorMessage } from '../core/errors';
import { certificateFingerprint, createIdentity, type TlsIdentity } from './certificate';

export const CERT_FILE = 'cert.pem';
export const KEY_FILE = 'key.pem';

/** The certificate and key in `dir`, made (and saved, key mode 0600) when there are none yet. */
export async function loadOrCreateIdentity(dir: string): Promise<TlsIdentity & { created: boolean }> {
  const certFile = join(dir, CERT_FILE);
  const keyFile = join(dir, KEY_FILE);
  if (existsSync(certFile) || existsSync(keyFile)) return { ...readIdentityFiles(certFile, keyFile), created: false };
  const identity = await createIdentity();
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Written under a temporary name first: a crash half-way must not leave a key that does not match.
    writeFileSync(`${keyFile}.tmp`, identity.keyPem, { mode: 0o600 });
    chmodSync(`${keyFile}.tmp`, 0o600); // the umask may have taken bits away, never added: make sure
    writeFileSync(certFile, identity.certPem, { mode: 0o644 });
    renameSync(`${keyFile}.tmp`, keyFile);
  } catch (error) {
    throw new ChatError('tls-identity', `Cannot save the room's certificate in ${dir}: ${errorMessage(error)}`);
  }
  return { ...identity, created: true };
}

/** A certificate and key from files; ChatError 'tls-identity' with a sentence when they are missing or broken. */
export function readIdentityFiles(certFile: string, keyFile: string): TlsIdentity {
  let certPem: string;
  let keyPem: string;
  try {
    certPem = readFileSync(certFile, 'utf8');
    keyPem = readFileSync(keyFile, 'utf8');
  } catch (error) {
    throw new ChatError('tls-identity', `Cannot read the room's certificate or key: ${errorMessage(error)}`);
  }
  try {
    certificateFingerprint(certPem);
  } catch (error) {
    throw new ChatError('tls-identity', `${certFile} is not a PEM certificate (${errorMessage(error)}).`);
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyPem))
    throw new ChatError('tls-identity', `${keyFile} is not a PEM private key.`);
  return { certPem, keyPem };
}

// The room's identity: a self-signed ECDSA P-256 certificate built with PKI.js (PeculiarVentures' X.509 library,
// which needs no global polyfill), and its fingerprint as `openssl x509 -noout -fingerprint -sha256` prints it:
// 32 upper-case hex pairs separated by colons, of the SHA-256 of the certificate's DER bytes.
import { webcrypto, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** A certificate and its private key, both PEM (what `tls.createSecureContext` takes). */
export interface TlsIdentity {
  certPem: string;
  keyPem: string;
}

const VALID_YEARS = 10;
type EngineCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'];
let engineSet = false;

/** PKI.js does its crypto through an engine; Node's own Web Crypto, set once for this process. */
function cryptoEngine(): pkijs.ICryptoEngine {
  if (!engineSet) {
    pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as EngineCrypto }));
    engineSet = true;
  }
  return pkijs.getCrypto(true);
}

function pem(label: string, der: ArrayBuffer): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * 16 random bytes as a certificate serial that every parser accepts: a positive INTEGER (top bit clear) in its
 * shortest encoding (first byte not 0x00 — with `&= 0x7f` alone, one certificate in about 256 started with a
 * padding zero, which OpenSSL refuses as ERR_OSSL_ASN1_ILLEGAL_PADDING).
 */
export function serialNumber(random: Uint8Array): Uint8Array {
  const serial = Uint8Array.from(random);
  serial[0] = (serial[0] & 0x3f) | 0x40;
  return serial;
}

/** A new self-signed certificate for `commonName` (10 years), with a fresh ECDSA P-256 key. */
export async function createIdentity(commonName = 'TCP Chat room'): Promise<TlsIdentity> {
  const engine = cryptoEngine();
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: serialNumber(webcrypto.getRandomValues(new Uint8Array(16))) });
  const name = new pkijs.AttributeTypeAndValue({
    type: '2.5.4.3', // commonName
    value: new asn1js.Utf8String({ value: commonName.slice(0, 64) }),
  });
  cert.subject.typesAndValues.push(name);
  cert.issuer.typesAndValues.push(name);
  const now = new Date();
  cert.notBefore.value = new Date(now.getTime() - 60 * 60 * 1000); // an hour of clock skew
  cert.notAfter.value = new Date(now.getFullYear() + VALID_YEARS, now.getMonth(), now.getDate());
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, engine);
  await cert.sign(keys.privateKey, 'SHA-256', engine);
  const der = cert.toSchema(true).toBER(false);
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: pem('CERTIFICATE', der), keyPem: pem('PRIVATE KEY', pkcs8) };
}

/** `AB:CD:…` (SHA-256 of the DER) of a PEM certificate or its DER bytes. */
export function certificateFingerprint(cert: string | Buffer): string {
  return new X509Certificate(cert).fingerprint256;
}

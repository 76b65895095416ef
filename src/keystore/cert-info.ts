import { createHash, X509Certificate } from 'node:crypto';
import { bitStringBit, children, content, decodeOid, readTlv } from './der';
import type { CertInfo } from './types';

/**
 * Certificate parsing through Node's X509Certificate (OpenSSL), which handles EC and RSA alike;
 * node-forge cannot parse EC certificates. Only the key usage bits are read by hand, because
 * Node has no API for them (its `keyUsage` property is the *extended* key usage).
 */

const KEY_USAGE_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

/** OpenSSL short names → the names keytool prints. */
const DN_KEYS: Record<string, string> = { emailAddress: 'EMAILADDRESS', serialNumber: 'SERIALNUMBER' };
const CURVES: Record<string, string> = { prime256v1: 'secp256r1', prime192v1: 'secp192r1' };

/** Node prints one RDN per line, in DER order; keytool prints them reversed, comma separated. */
export function formatDn(nodeDn: string): string {
  return nodeDn
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const eq = l.indexOf('=');
      const key = l.slice(0, eq);
      return `${DN_KEYS[key] ?? key}=${keytoolValue(l.slice(eq + 1))}`;
    })
    .reverse()
    .join(', ');
}

/** Node escapes specials with a backslash ("VeriSign\\, Inc."); keytool quotes the value instead. */
function keytoolValue(nodeValue: string): string {
  if (!nodeValue.includes('\\')) return nodeValue;
  const plain = nodeValue.replace(/\\(.)/g, '$1');
  return /[,+;<>#="]/.test(plain) ? `"${plain.replace(/"/g, '\\"')}"` : plain;
}

/**
 * The same facts, parsed on first use. A keystore open lists every certificate, but most callers
 * need only fingerprints (is this certificate in the truststore?): opening the 96-certificate
 * client-truststore.jks spent ~50 ms in X509Certificate. `sha256` is the hash of the DER, as
 * OpenSSL computes it; the DER's outer structure (a SEQUENCE of three) is checked
 * now; everything else on the first read of any other field, where a certificate OpenSSL refuses
 * throws what `invalid` returns. Fields are enumerable getters in certInfo's order, so JSON and
 * spreads see the same object.
 */
export function lazyCertInfo(der: Buffer, invalid: (e: unknown) => Error): CertInfo {
  const bytes = Buffer.from(der);
  try {
    const cert = readTlv(bytes, 0);
    if (cert.tag !== 0x30 || children(bytes, cert).length !== 3) throw new Error('not a DER X.509 certificate');
  } catch (e) {
    throw invalid(e);
  }
  let full: CertInfo | undefined;
  const parsed = (): CertInfo => {
    if (!full) {
      try {
        full = certInfo(bytes);
      } catch (e) {
        throw invalid(e);
      }
    }
    return full;
  };
  const sha256 = createHash('sha256').update(bytes).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
  const out = {} as CertInfo;
  const lazy = (name: keyof CertInfo) => Object.defineProperty(out, name, { get: () => parsed()[name], enumerable: true, configurable: true });
  lazy('subject');
  lazy('issuer');
  Object.defineProperty(out, 'sha256', { value: sha256, enumerable: true, writable: true, configurable: true });
  for (const name of ['serial', 'notBefore', 'notAfter', 'keyAlgorithm', 'keySize', 'sans', 'keyUsage'] as const) lazy(name);
  Object.defineProperty(out, 'der', { value: bytes, enumerable: true, writable: true, configurable: true });
  return out;
}

export function certInfo(der: Buffer): CertInfo {
  const x = new X509Certificate(der);
  const pub = x.publicKey;
  const type = pub.asymmetricKeyType ?? 'unknown';
  const details = pub.asymmetricKeyDetails ?? {};
  const keyAlgorithm =
    ({ rsa: 'RSA', 'rsa-pss': 'RSASSA-PSS', ec: 'EC', dsa: 'DSA', ed25519: 'Ed25519', ed448: 'Ed448' } as Record<string, string>)[type] ??
    type.toUpperCase();
  const keySize: number | string =
    type === 'ec' ? (CURVES[details.namedCurve ?? ''] ?? details.namedCurve ?? 'unknown') : (details.modulusLength ?? 0);
  return {
    subject: formatDn(x.subject),
    issuer: formatDn(x.issuer),
    sha256: x.fingerprint256.toUpperCase(),
    serial: x.serialNumber.toLowerCase().replace(/^0+(?=.)/, ''),
    notBefore: new Date(x.validFrom),
    notAfter: new Date(x.validTo),
    keyAlgorithm,
    keySize,
    sans: x.subjectAltName ? x.subjectAltName.split(', ') : [],
    keyUsage: readKeyUsage(der),
    der: Buffer.from(der),
  };
}

/** The key usage extension (2.5.29.15) as names, or null when the certificate has none. */
export function readKeyUsage(der: Buffer): string[] | null {
  const cert = readTlv(der, 0);
  const tbs = children(der, cert)[0];
  const ext = children(der, tbs).find((t) => t.tag === 0xa3);
  if (!ext) return null;
  for (const e of children(der, children(der, ext)[0])) {
    const parts = children(der, e);
    if (decodeOid(content(der, parts[0])) !== '2.5.29.15') continue;
    const octets = content(der, parts[parts.length - 1]);
    const bits = content(octets, readTlv(octets, 0));
    return KEY_USAGE_NAMES.filter((_, i) => bitStringBit(bits, i));
  }
  return null;
}

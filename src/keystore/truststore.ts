import { X509Certificate } from 'node:crypto';
import { KsError } from '../errors';
import { parseJks, serializeJks } from './jks';
import { resolveType } from './open';
import { appendTrustedCertPkcs12, javaAliases, parsePkcs12 } from './pkcs12';
import type { AddTrustedCertificateOptions, CertInfo, Keystore } from './types';

const normFingerprint = (s: string) => s.replace(/[^0-9a-f]/gi, '').toUpperCase();

/**
 * True when Java would trust the certificate with this SHA-256 (any hex form) from this store: a
 * trusted certificate entry holds it, or it is a private key entry's own certificate (Java's trust
 * managers take both: sun.security.validator.TrustStoreUtil).
 */
export function containsCertificate(ks: Keystore, sha256: string): boolean {
  const want = normFingerprint(sha256);
  return ks.entries.some((e) => (e.kind === 'trustedCert' ? e.chain : e.chain.slice(0, 1)).some((c) => normFingerprint(c.sha256) === want));
}

/**
 * True when Java's PKIX validation would find a trust anchor in the store for this chain (leaf
 * first, as a key entry holds it): one of its certificates is trusted there (containsCertificate),
 * or a certificate there issued the chain's last one, e.g. the company CA that signed the server's
 * certificate when the keystore does not hold the CA itself. Only the anchor is looked for: dates,
 * constraints and revocation are the server's to check at run time. The store's certificates are
 * parsed (subject, signature) only when no fingerprint matches.
 */
export function trustsChain(ks: Keystore, chain: readonly CertInfo[]): boolean {
  if (chain.some((c) => containsCertificate(ks, c.sha256))) return true;
  const top = chain[chain.length - 1];
  if (!top || top.issuer === top.subject) return false; // self-signed, and not in the store
  const candidates = ks.entries.flatMap((e) => (e.kind === 'trustedCert' ? e.chain : e.chain.slice(0, 1))).filter((c) => c.subject === top.issuer);
  if (!candidates.length) return false;
  let issued: X509Certificate;
  try {
    issued = new X509Certificate(top.der);
  } catch {
    return false;
  }
  return candidates.some((ca) => {
    try {
      return issued.verify(new X509Certificate(ca.der).publicKey);
    } catch {
      return false;
    }
  });
}

/** `alias`, or when an entry already has that name (Java aliases ignore case), the first free `alias-2`, `alias-3`, …. */
export function freeAlias(taken: ReadonlySet<string>, alias: string): string {
  const base = alias.toLowerCase();
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

/**
 * Returns new keystore bytes with one more trusted certificate entry; existing entries are kept
 * byte-for-byte. Checks the password first; refuses an alias that exists (Java aliases are
 * case-insensitive). Does not check whether the certificate is already present: see containsCertificate.
 */
export function addTrustedCertificate(bytes: Buffer, opts: AddTrustedCertificateOptions): Buffer {
  const label = opts.label ?? 'truststore';
  const type = resolveType(bytes, label, opts.type);
  try {
    new X509Certificate(opts.certDer);
  } catch (e) {
    throw new KsError('CERT_INVALID', `the certificate to import for "${opts.alias}" is not a DER X.509 certificate`, { cause: e });
  }
  const alias = opts.alias.toLowerCase();
  const exists = (names: string[]) => {
    if (names.some((n) => n.toLowerCase() === alias)) {
      throw new KsError('ALIAS_EXISTS', `${label} already has an entry "${alias}"`, { hint: 'Choose another alias.' });
    }
  };
  if (type === 'JKS') {
    const raw = parseJks(bytes, opts.password, label);
    exists(raw.entries.map((e) => e.alias));
    const date = BigInt((opts.date ?? new Date()).getTime());
    raw.entries.push({ tag: 2, alias, date, certs: [{ type: 'X.509', der: opts.certDer }] });
    return serializeJks(raw, opts.password);
  }
  const raw = parsePkcs12(bytes, opts.password, label);
  exists(javaAliases(raw).map((a) => a ?? ''));
  return appendTrustedCertPkcs12(raw, opts.password, alias, opts.certDer);
}

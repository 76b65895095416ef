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
  return trustedCertificates(ks).some((c) => normFingerprint(c.sha256) === want);
}

/** The certificates Java's trust managers take from a store: trusted entries, and each key entry's own. */
const trustedCertificates = (ks: Keystore): CertInfo[] => ks.entries.flatMap((e) => (e.kind === 'trustedCert' ? e.chain : e.chain.slice(0, 1)));

/** The chain (leaf first) of the private key `alias` (any case), as the keystore holds it; undefined if there is none. */
export function keyChain(ks: Keystore, alias: string): CertInfo[] | undefined {
  const wanted = alias.toLowerCase();
  return ks.entries.find((e) => e.kind === 'privateKey' && e.alias.toLowerCase() === wanted)?.chain;
}

/**
 * Where Java's PKIX validation would find a trust anchor in the store for this chain (leaf first, as
 * a key entry holds it): the index of the first chain certificate the store holds (containsCertificate),
 * or i + 1 where a certificate of the store issued chain[i] (subject and signature checked: the
 * company CA that signed the server's certificate, or a renewed root with the CA's key), whichever
 * comes first from the leaf. null when there is none. The chain's certificates below the anchor are
 * the ones whose dates PKIX checks (chainExpiry); revocation and constraints are the server's to
 * check at run time. The store's certificates are parsed (subject, key) only when the leaf itself
 * is not there.
 */
export function trustAnchorAt(ks: Keystore, chain: readonly CertInfo[]): number | null {
  if (!chain.length) return null;
  if (containsCertificate(ks, chain[0].sha256)) return 0;
  let stored: CertInfo[] | undefined;
  for (let i = 0; i < chain.length; i++) {
    const c = chain[i];
    if (i > 0 && containsCertificate(ks, c.sha256)) return i;
    if (c.issuer === c.subject) continue; // self-signed: only its own presence (above) anchors it
    stored ??= trustedCertificates(ks);
    if (stored.some((ca) => ca.subject === c.issuer && issuedBy(c, ca))) return i + 1;
  }
  return null;
}

/** True when the store gives the chain a trust anchor (trustAnchorAt). */
export const trustsChain = (ks: Keystore, chain: readonly CertInfo[]): boolean => trustAnchorAt(ks, chain) !== null;

/** Whether `ca`'s key verifies `cert`'s signature. */
function issuedBy(cert: CertInfo, ca: CertInfo): boolean {
  try {
    return new X509Certificate(cert.der).verify(new X509Certificate(ca.der).publicKey);
  } catch {
    return false;
  }
}

/**
 * The CA certificates of a chain that PKIX would refuse at `now` (expired or not yet valid): those
 * between the leaf (checked on its own) and the trust anchor, or, with no anchor known, the whole
 * chain above the leaf. One message each.
 */
export function chainExpiry(chain: readonly CertInfo[], anchorAt: number | null, now: Date): string[] {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return chain.slice(1, anchorAt ?? chain.length).flatMap((c) =>
    c.notAfter.getTime() < now.getTime()
      ? [`its chain's CA certificate ${c.subject} expired on ${day(c.notAfter)}: clients that validate the chain refuse it ("validity check failed")`]
      : c.notBefore.getTime() > now.getTime()
        ? [`its chain's CA certificate ${c.subject} is not valid before ${day(c.notBefore)}: clients that validate the chain refuse it until then`]
        : [],
  );
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

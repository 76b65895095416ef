import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { KsError } from '../errors';
import { DerError } from './der';
import { parseJks } from './jks';
import { recoverJksKey, UnsupportedKeyProtectionError } from './key-protector';
import { decryptKeyBag, javaAliases, parsePkcs12 } from './pkcs12';
import type { CertInfo, CheckKeyEntryOptions, Keystore } from './types';

const DAY = 24 * 60 * 60 * 1000;
/** Certificates that expire sooner than this get a warning. */
export const EXPIRY_WARNING_DAYS = 30;

/**
 * Aliases for a message: every one up to 20, then the first 20 and the count, so a keystore with
 * hundreds of keys does not flood the terminal.
 */
export function nameAliases(aliases: readonly string[]): string {
  return aliases.length > 20 ? `${aliases.slice(0, 20).join(', ')}, … (${aliases.length} keys)` : aliases.join(', ');
}

/**
 * Checks that `alias` is a private key entry that opens with the key password and whose key belongs
 * to its certificate. Returns the leaf certificate. `bytes` must be the bytes `ks` was opened from.
 */
export function checkKeyEntry(ks: Keystore, bytes: Buffer, opts: CheckKeyEntryOptions): CertInfo {
  const label = opts.label ?? 'keystore';
  const wanted = opts.alias.toLowerCase();
  const entry = ks.entries.find((e) => e.alias.toLowerCase() === wanted);
  if (!entry) {
    // Name the private keys first: those are the aliases a user can choose; other entries are only counted.
    const keys = ks.entries.filter((e) => e.kind === 'privateKey').map((e) => e.alias);
    const count = (kind: 'trustedCert' | 'secretKey', noun: string) => {
      const n = ks.entries.filter((e) => e.kind === kind).length;
      return n ? [`${n} ${noun}${n === 1 ? '' : 's'}`] : [];
    };
    const others = [...count('trustedCert', 'trusted certificate'), ...count('secretKey', 'secret key')];
    const shownKeys = nameAliases(keys);
    const rest = others.length ? ` (and ${others.join(', ')})` : '';
    const has = keys.length ? `its private keys: ${shownKeys}${rest}` : `no private key${rest}`;
    throw new KsError('ALIAS_MISSING', `${label} has no entry "${opts.alias}"; it has ${has}`);
  }
  if (entry.kind !== 'privateKey') {
    const what = entry.kind === 'trustedCert' ? 'a trusted certificate' : 'a secret key';
    throw new KsError('ALIAS_NOT_KEY', `alias "${entry.alias}" in ${label} is ${what}, not a private key`, {
      hint: 'Choose an alias whose entry type is PrivateKeyEntry.',
    });
  }
  if (entry.chain.length === 0) {
    throw new KsError('KEYSTORE_INVALID', `not a keystore: ${label}: private key "${entry.alias}" has no certificate`);
  }
  const pkcs8 = ks.type === 'JKS' ? jksKey(bytes, opts, entry.alias, label) : pkcs12Key(bytes, opts, entry.alias, label);
  if (!pkcs8) {
    const message =
      opts.keyPassword === undefined
        ? `the key password of "${entry.alias}" in ${label} differs from the keystore password; it must be given`
        : `the key password given for "${entry.alias}" in ${label} is wrong`;
    throw new KsError('KEY_PASSWORD', message, {
      hint: ks.type === 'PKCS12' ? 'PKCS12 keystores made by Java protect keys with the keystore password.' : undefined,
    });
  }
  let keySpki: Buffer;
  try {
    keySpki = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
  } catch (e) {
    throw new KsError('KEYSTORE_UNSUPPORTED', `the private key "${entry.alias}" in ${label} cannot be read (${(e as Error).message})`, { cause: e });
  }
  const leaf = entry.chain[0];
  const certSpki = new X509Certificate(leaf.der).publicKey.export({ type: 'spki', format: 'der' });
  if (!keySpki.equals(certSpki)) {
    throw new KsError('KEY_CERT_MISMATCH', `the private key "${entry.alias}" in ${label} does not match its certificate's public key (${leaf.subject})`);
  }
  return leaf;
}

/**
 * The private keys among `aliases` that do not open with `keyPassword` (Java's SunX509 key manager
 * recovers every key of a file with one password). The file is parsed, and its integrity checked,
 * once for all of them; any problem with a key other than its password is not this check's to report.
 */
export function keysNotOpeningWith(ks: Keystore, bytes: Buffer, aliases: readonly string[], storePassword: string, keyPassword: string): string[] {
  const opens = (recover: () => Buffer | null) => {
    try {
      return recover() !== null;
    } catch {
      return true;
    }
  };
  // The file opened with storePassword already (ks); should it not now, that is for the caller's check.
  if (ks.type === 'JKS') {
    const raw = parseJks(bytes, storePassword, 'keystore');
    return aliases.filter((alias) => {
      const e = raw.entries.find((x) => x.alias === alias);
      return e?.protectedKey !== undefined && !opens(() => recoverJksKey(e.protectedKey!, keyPassword));
    });
  }
  const raw = parsePkcs12(bytes, storePassword, 'keystore');
  const names = javaAliases(raw);
  return aliases.filter((alias) => {
    const bag = raw.bags.find((b, i) => b.kind === 'key' && names[i] === alias);
    return bag !== undefined && !opens(() => decryptKeyBag(bag, keyPassword));
  });
}

/**
 * The PKCS#8 (DER) private key of `alias`, or null when it is not a private key entry or does not
 * open with the key password (the store password when none is given). For decrypting, not checking:
 * checkKeyEntry says what is wrong with a key.
 */
export function privateKeyOf(ks: Keystore, bytes: Buffer, opts: CheckKeyEntryOptions): Buffer | null {
  const wanted = opts.alias.toLowerCase();
  const entry = ks.entries.find((e) => e.kind === 'privateKey' && e.alias.toLowerCase() === wanted);
  if (!entry) return null;
  try {
    return ks.type === 'JKS' ? jksKey(bytes, opts, entry.alias, 'keystore') : pkcs12Key(bytes, opts, entry.alias, 'keystore');
  } catch {
    return null;
  }
}

function jksKey(bytes: Buffer, opts: CheckKeyEntryOptions, alias: string, label: string): Buffer | null {
  const raw = parseJks(bytes, opts.storePassword, label);
  const e = raw.entries.find((x) => x.alias === alias);
  if (!e?.protectedKey) throw new Error(`keystore changed between open and check: ${alias}`);
  try {
    return recoverJksKey(e.protectedKey, opts.keyPassword ?? opts.storePassword);
  } catch (err) {
    if (err instanceof UnsupportedKeyProtectionError) {
      throw new KsError('KEYSTORE_UNSUPPORTED', `the key "${alias}" in ${label} uses protection ${err.oid}, not Sun's JKS KeyProtector`);
    }
    if (err instanceof DerError) throw new KsError('KEYSTORE_INVALID', `not a keystore: ${label}: the key "${alias}" is malformed (${err.message})`);
    throw err;
  }
}

function pkcs12Key(bytes: Buffer, opts: CheckKeyEntryOptions, alias: string, label: string): Buffer | null {
  const raw = parsePkcs12(bytes, opts.storePassword, label);
  const aliases = javaAliases(raw);
  const bag = raw.bags.find((b, i) => b.kind === 'key' && aliases[i] === alias);
  if (!bag) throw new Error(`keystore changed between open and check: ${alias}`);
  try {
    return decryptKeyBag(bag, opts.keyPassword ?? opts.storePassword);
  } catch (err) {
    if (err instanceof KsError) throw err;
    throw new KsError('KEYSTORE_UNSUPPORTED', `the key "${alias}" in ${label} cannot be decrypted (${(err as Error).message})`, { cause: err });
  }
}

/**
 * Human-readable warnings about a certificate at `now`. Expiry is reported here as a warning too;
 * `checkCertificate` turns it into an error unless expired certificates are allowed.
 */
export function certificateWarnings(cert: CertInfo, now: Date): string[] {
  const out: string[] = [];
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const left = cert.notAfter.getTime() - now.getTime();
  if (left < 0) out.push(`certificate expired on ${day(cert.notAfter)}`);
  else if (left < EXPIRY_WARNING_DAYS * DAY) out.push(`certificate expires in ${Math.ceil(left / DAY)} days (${day(cert.notAfter)})`);
  if (cert.notBefore.getTime() > now.getTime()) out.push(`certificate is not valid before ${day(cert.notBefore)}`);
  if (cert.keyUsage && !cert.keyUsage.includes('keyEncipherment') && !cert.keyUsage.includes('dataEncipherment')) {
    out.push('key usage allows neither keyEncipherment nor dataEncipherment: this key cannot serve Secure Vault or internal data encryption');
  }
  if (cert.keyAlgorithm !== 'RSA') {
    out.push(`${cert.keyAlgorithm} key: Secure Vault and internal data encryption need an RSA key`);
  }
  return out;
}

export interface CheckCertificateOptions {
  now: Date;
  allowExpired?: boolean;
}

/** CERT_EXPIRED for an expired certificate unless allowed; otherwise the warnings. */
export function checkCertificate(cert: CertInfo, opts: CheckCertificateOptions): string[] {
  if (!opts.allowExpired && cert.notAfter.getTime() < opts.now.getTime()) {
    throw new KsError('CERT_EXPIRED', `certificate ${cert.subject} expired on ${cert.notAfter.toISOString().slice(0, 10)}`, {
      hint: 'Use a valid certificate, or allow expired certificates explicitly.',
    });
  }
  return certificateWarnings(cert, opts.now);
}

import { KsError } from '../errors';
import { lazyCertInfo } from './cert-info';
import { DerError } from './der';
import { detectKeystoreType } from './detect';
import { parseJks } from './jks';
import { chainFor, dateFromLocalKeyId, decryptKeyBag, javaAliases, parsePkcs12 } from './pkcs12';
import type { CertInfo, Keystore, KeystoreEntry, KeystoreType, OpenKeystoreOptions } from './types';

/**
 * Opens a keystore from its bytes and lists its entries. Checks the store password (JKS integrity
 * digest, PKCS12 MAC) but never decrypts a private key: that is checkKeyEntry's job, with the key
 * password. Pure: no fs, no prompts.
 */
export function openKeystore(bytes: Buffer, opts: OpenKeystoreOptions): Keystore {
  const label = opts.label ?? 'keystore';
  const type = resolveType(bytes, label, opts.declaredType);
  if (type === 'JKS') {
    const raw = parseJks(bytes, opts.password, label);
    return {
      type,
      entries: raw.entries.map((e) => ({
        alias: e.alias,
        kind: e.tag === 1 ? 'privateKey' : 'trustedCert',
        date: new Date(Number(e.date)),
        chain: e.certs.map((c) => parseCert(c.der, label, e.alias)),
      })),
    };
  }
  const raw = parsePkcs12(bytes, opts.password, label);
  // Without a MAC (openssl pkcs12 -nomac) nothing above checked the password: the first key must decrypt with it.
  const key = raw.bags.find((b) => b.kind === 'key' && b.encrypted);
  if (!raw.mac && key && !decryptKeyBag(key, opts.password)) {
    throw new KsError('KEYSTORE_PASSWORD', `the password does not decrypt the keys of ${label}, and this PKCS12 has no integrity MAC to check it against: the keystore password is most likely wrong`, {
      hint: 'Check the keystore password (PKCS12 made by Java and openssl protect keys with it).',
    });
  }
  const entries: KeystoreEntry[] = [];
  const aliases = javaAliases(raw);
  raw.bags.forEach((bag, i) => {
    const alias = aliases[i] ?? '';
    const date = dateFromLocalKeyId(bag.localKeyId);
    if (bag.kind === 'key') {
      entries.push({ alias, kind: 'privateKey', date, chain: chainFor(raw, bag).map((d) => parseCert(d, label, alias)) });
    } else if (bag.kind === 'secret') {
      entries.push({ alias, kind: 'secretKey', date, chain: [] });
    } else if (bag.trusted) {
      // Certificates without Java's trusted marker are chain members of a key entry: Java does not list them.
      entries.push({ alias, kind: 'trustedCert', date, chain: [parseCert(bag.value, label, alias)] });
    }
  });
  return { type, entries };
}

/** Checks emptiness, detects the type and compares it with the declared one. */
export function resolveType(bytes: Buffer, label: string, declared?: KeystoreType): KeystoreType {
  if (bytes.length === 0) throw new KsError('KEYSTORE_INVALID', `not a keystore: ${label} is empty`);
  const detected = detectKeystoreType(bytes);
  if (detected === 'JCEKS') {
    throw new KsError('KEYSTORE_UNSUPPORTED', `${label} is a JCEKS keystore, which is not supported`, {
      hint: 'Convert it: keytool -importkeystore -srcstoretype JCEKS -deststoretype PKCS12 …',
    });
  }
  if (detected === 'unknown') {
    throw new KsError('KEYSTORE_INVALID', `not a keystore: ${label} is neither a JKS nor a PKCS12 file`);
  }
  if (declared && declared !== detected) {
    throw new KsError('KEYSTORE_TYPE_MISMATCH', `${label} is declared as ${declared} but the file is ${detected}`, {
      hint: `Set the keystore type to ${detected}.`,
    });
  }
  return detected;
}

/** Parsed when first read, beyond the fingerprint (lazyCertInfo); an unreadable one throws KEYSTORE_INVALID then. */
function parseCert(der: Buffer, label: string, alias: string): CertInfo {
  return lazyCertInfo(der, (e) => {
    if (e instanceof KsError) return e;
    const why = e instanceof DerError ? e.message : (e as Error).message;
    return new KsError('KEYSTORE_INVALID', `not a keystore: ${label}: the certificate of alias "${alias}" cannot be read (${why})`, { cause: e });
  });
}

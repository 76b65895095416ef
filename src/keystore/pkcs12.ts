import { createDecipheriv, createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual, X509Certificate } from 'node:crypto';
import { KsError } from '../errors';
import {
  children,
  content,
  decodeInteger,
  decodeOid,
  DerError,
  encodeInteger,
  encodeOid,
  expectTag,
  readTlv,
  tlv,
  type Tlv,
} from './der';
import { iterateHash } from './iterated-hash';

/**
 * PKCS#12 (PFX) read and append, walking the structure ourselves with Node's native crypto, and
 * node-forge only for RC2 (legacy certificate encryption; Node's OpenSSL 3 has no RC2).
 * Why not forge's pkcs12FromAsn1/toPkcs12Asn1:
 *  - its pure-JS hashing made one legacy PKCS12 (100 000 MAC iterations) take seconds to open;
 *  - it re-encodes certificates it parsed, and cannot parse EC certificates or keys at all;
 *  - it drops attributes it does not know, e.g. Java's trusted-certificate marker;
 *  - toPkcs12Asn1 writes one key plus one chain with a single friendlyName, so it cannot re-emit a
 *    truststore; and re-encrypting would rewrite every existing entry.
 * Appending keeps every existing ContentInfo byte-for-byte and adds one unencrypted ContentInfo
 * (certificates are public; Java reads it), then recomputes the MAC with the file's MAC digest.
 * node-forge is loaded lazily, and only for RC2: the JKS path must not pay for it at start-up.
 * Does not handle: BER indefinite lengths, PKCS#12 without a MAC in "public-key integrity" mode,
 * store and key passwords that differ (Java cannot make those either).
 */

type Forge = typeof import('node-forge');
let forgeModule: Forge | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const forge = (): Forge => (forgeModule ??= require('node-forge') as Forge);

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  secretBag: '1.2.840.113549.1.12.10.1.5',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  /** Oracle's "trusted key usage" attribute: without it Java ignores a lone certificate bag. */
  javaTrusted: '2.16.840.1.113894.746875.1.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
  pbes2: '1.2.840.113549.1.5.13',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

const MAC_DIGESTS: Record<string, { name: string; size: number }> = {
  [OID.sha1]: { name: 'sha1', size: 20 },
  [OID.sha256]: { name: 'sha256', size: 32 },
  [OID.sha384]: { name: 'sha384', size: 48 },
  [OID.sha512]: { name: 'sha512', size: 64 },
};

export interface P12Bag {
  kind: 'key' | 'cert' | 'secret';
  friendlyName?: string;
  localKeyId?: Buffer;
  trusted: boolean;
  /** cert: the certificate DER. key: PrivateKeyInfo (keyBag) or EncryptedPrivateKeyInfo (shrouded). */
  value: Buffer;
  encrypted: boolean;
}

export interface P12Raw {
  bags: P12Bag[];
  /** The AuthenticatedSafe's ContentInfos, as found. */
  contentInfos: Buffer[];
  mac?: { digestOid: string; iterations: number };
}

const invalid = (label: string, why: string) => new KsError('KEYSTORE_INVALID', `not a keystore: ${label} is not a readable PKCS12 file (${why})`);

const wrongPassword = (label: string) =>
  new KsError('KEYSTORE_PASSWORD', `${label}: Keystore was tampered with, or password was incorrect`, {
    hint: 'Check the keystore password.',
  });

/** [0] EXPLICIT wrapper → the single TLV inside. */
const explicit0 = (buf: Buffer, t: Tlv): Tlv => children(buf, expectTag(t, 0xa0, '[0]'))[0];

function bmpToString(b: Buffer): string {
  return Buffer.from(b).swap16().toString('utf16le');
}

/**
 * RFC 7292 appendix B key derivation (id 1 = key, 2 = IV, 3 = MAC key), with the password as a
 * BMPString plus two zero bytes, as Java and OpenSSL pass it. Not forge's hashes: its general JS
 * hashing made a 100 000-iteration legacy MAC take seconds.
 *
 * The iterated hash is the cost (keytool's default is 10 000 iterations): a WebAssembly loop for
 * SHA-256 and SHA-1 (iterated-hash.ts), one-shot `crypto.hash` for the others, and a
 * per-process memo, because one command opens the same PKCS12 several times (plan check,
 * truststore check, parse-back), and each open verifies the MAC again.
 */
export function pkcs12Kdf(password: string, salt: Buffer, id: number, iterations: number, size: number, digest: string): Buffer {
  return memo(`${digest}\0${id}\0${iterations}\0${size}\0${salt.toString('hex')}\0${password}`, () => deriveKdf(password, salt, id, iterations, size, digest));
}

/**
 * PBKDF2 for PBES2, memoised per process like `pkcs12Kdf`: keytool encrypts a PKCS12's certificates
 * with PBES2 (10,000 iterations, ~3 ms), and `apply` opens the same truststore twice (as a plan
 * keystore and as the truststore the certificates are checked against).
 */
function pbkdf2Memo(password: string, salt: Buffer, iterations: number, keyLen: number, prf: string): Buffer {
  return memo(`pbkdf2\0${prf}\0${iterations}\0${keyLen}\0${salt.toString('hex')}\0${password}`, () => pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, keyLen, prf));
}

/**
 * Derived keys by every input that makes them (the password last, so no two inputs share a key),
 * the oldest dropped beyond KDF_MEMO_MAX; each caller gets its own copy.
 */
function memo(key: string, derive: () => Buffer): Buffer {
  let out = kdfMemo.get(key);
  if (!out) {
    out = derive();
    if (kdfMemo.size >= KDF_MEMO_MAX) kdfMemo.delete(kdfMemo.keys().next().value!);
    kdfMemo.set(key, out);
  }
  return Buffer.from(out);
}

const KDF_MEMO_MAX = 32;
const kdfMemo = new Map<string, Buffer>();

function deriveKdf(password: string, salt: Buffer, id: number, iterations: number, size: number, digest: string): Buffer {
  const u = createHash(digest).digest().length;
  const v = u > 32 ? 128 : 64;
  const pw = Buffer.concat([Buffer.from(password, 'utf16le').swap16(), Buffer.alloc(2)]);
  const fill = (b: Buffer) => {
    const n = b.length === 0 ? 0 : v * Math.ceil(b.length / v);
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = b[i % b.length];
    return out;
  };
  const I = Buffer.concat([fill(salt), fill(pw)]);
  const D = Buffer.alloc(v, id);
  const out: Buffer[] = [];
  for (let got = 0; got < size; got += u) {
    const A = iterateHash(digest, createHash(digest).update(D).update(I).digest(), iterations - 1);
    out.push(A);
    const B = fill(A);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const x = I[j + k] + B[k] + carry;
        I[j + k] = x & 0xff;
        carry = x >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, size);
}

function computeMac(password: string, authSafe: Buffer, salt: Buffer, iterations: number, digestOid: string): Buffer {
  const d = MAC_DIGESTS[digestOid];
  if (!d) throw new KsError('KEYSTORE_UNSUPPORTED', `PKCS12 MAC digest ${digestOid} is not supported`);
  return createHmac(d.name, pkcs12Kdf(password, salt, 3, iterations, d.size, d.name)).update(authSafe).digest();
}

const PBES2_CIPHERS: Record<string, { name: string; keyLen: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLen: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLen: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLen: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLen: 24 },
};
const PBKDF2_PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
/** PKCS#12 PBE schemes (SHA-1 KDF): key length, and cipher ('rc2' goes to forge). */
const PKCS12_PBE: Record<string, { cipher: string; keyLen: number; rc2Bits?: number }> = {
  '1.2.840.113549.1.12.1.3': { cipher: 'des-ede3-cbc', keyLen: 24 },
  '1.2.840.113549.1.12.1.4': { cipher: 'des-ede-cbc', keyLen: 16 },
  '1.2.840.113549.1.12.1.5': { cipher: 'rc2', keyLen: 16, rc2Bits: 128 },
  '1.2.840.113549.1.12.1.6': { cipher: 'rc2', keyLen: 5, rc2Bits: 40 },
};

function nodeDecrypt(cipher: string, key: Buffer, iv: Buffer, data: Buffer): Buffer | null {
  try {
    const d = createDecipheriv(cipher, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    return null; // bad padding: wrong password
  }
}

/** RC2 is not in Node's OpenSSL 3 default provider; legacy PKCS12 encrypts certificates with it. */
function rc2Decrypt(key: Buffer, bits: number, iv: Buffer, data: Buffer): Buffer | null {
  const f = forge();
  const c = f.rc2.createDecryptionCipher(key.toString('binary'), bits);
  c.start(iv.toString('binary'));
  c.update(f.util.createBuffer(data.toString('binary')));
  if (!c.finish()) return null;
  return Buffer.from(c.output.getBytes(), 'binary');
}

/**
 * Decrypts with a password-based AlgorithmIdentifier. Returns null when the padding is wrong, which
 * (with a verified MAC) means the password for this item differs.
 * PBES2 takes the password as UTF-8 (as OpenSSL does; Java allows only ASCII there); the PKCS#12
 * PBE schemes take it as BMP.
 */
export function pbeDecrypt(algId: Buffer, encrypted: Buffer, password: string): Buffer | null {
  const [oidT, paramsT] = children(algId, readTlv(algId, 0));
  const oid = decodeOid(content(algId, oidT));
  if (oid === OID.pbes2) {
    const [kdf, enc] = children(algId, paramsT);
    const [kdfOid, kdfParams] = children(algId, kdf);
    if (decodeOid(content(algId, kdfOid)) !== '1.2.840.113549.1.5.12') throw new Error('PBES2 key derivation other than PBKDF2');
    const [saltT, iterT, ...rest] = children(algId, kdfParams);
    const prfT = rest.find((t) => t.tag === 0x30);
    const prf = prfT ? PBKDF2_PRFS[decodeOid(content(algId, children(algId, prfT)[0]))] : 'sha1';
    const [encOid, ivT] = children(algId, enc);
    const spec = PBES2_CIPHERS[decodeOid(content(algId, encOid))];
    if (!prf || !spec) throw new Error('unsupported PBES2 PRF or cipher');
    const key = pbkdf2Memo(password, content(algId, saltT), decodeInteger(content(algId, iterT)), spec.keyLen, prf);
    return nodeDecrypt(spec.name, key, content(algId, ivT), encrypted);
  }
  const pbe = PKCS12_PBE[oid];
  if (!pbe) throw new Error(`unsupported encryption ${oid}`);
  const [saltT, iterT] = children(algId, paramsT);
  const salt = content(algId, saltT);
  const iterations = decodeInteger(content(algId, iterT));
  const key = pkcs12Kdf(password, salt, 1, iterations, pbe.keyLen, 'sha1');
  const iv = pkcs12Kdf(password, salt, 2, iterations, 8, 'sha1');
  return pbe.rc2Bits ? rc2Decrypt(key, pbe.rc2Bits, iv, encrypted) : nodeDecrypt(pbe.cipher, key, iv, encrypted);
}

export function parsePkcs12(bytes: Buffer, password: string, label: string): P12Raw {
  try {
    return parseUnchecked(bytes, password, label);
  } catch (e) {
    if (e instanceof DerError) throw invalid(label, `${e.message} at byte ${e.offset}`);
    if (e instanceof KsError) throw e;
    // forge throws plain Errors for unknown algorithms and malformed parameters.
    throw new KsError('KEYSTORE_UNSUPPORTED', `${label}: PKCS12 content could not be read (${(e as Error).message})`, { cause: e });
  }
}

function parseUnchecked(bytes: Buffer, password: string, label: string): P12Raw {
  const pfx = expectTag(readTlv(bytes, 0), 0x30, 'PFX');
  const [version, authSafeCi, macData] = children(bytes, pfx);
  if (!version || decodeInteger(content(bytes, expectTag(version, 0x02, 'version'))) !== 3) throw invalid(label, 'version is not 3');
  const [ctOid, ctContent] = children(bytes, expectTag(authSafeCi, 0x30, 'ContentInfo'));
  if (decodeOid(content(bytes, ctOid)) !== OID.data) throw invalid(label, 'public-key integrity mode is not supported');
  const authSafe = content(bytes, expectTag(explicit0(bytes, ctContent), 0x04, 'OCTET STRING'));

  let mac: P12Raw['mac'];
  if (macData) {
    const [digestInfo, salt, iters] = children(bytes, macData);
    const [algId, digest] = children(bytes, digestInfo);
    const digestOid = decodeOid(content(bytes, children(bytes, algId)[0]));
    const iterations = iters ? decodeInteger(content(bytes, iters)) : 1;
    const expected = content(bytes, digest);
    const actual = computeMac(password, authSafe, content(bytes, salt), iterations, digestOid);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw wrongPassword(label);
    mac = { digestOid, iterations };
  }

  const bags: P12Bag[] = [];
  const contentInfos: Buffer[] = [];
  const seq = readTlv(authSafe, 0);
  for (const ci of children(authSafe, expectTag(seq, 0x30, 'AuthenticatedSafe'))) {
    contentInfos.push(authSafe.subarray(ci.start, ci.end));
    const [oidT, body] = children(authSafe, ci);
    const oid = decodeOid(content(authSafe, oidT));
    let safeContents: Buffer;
    if (oid === OID.data) {
      safeContents = content(authSafe, expectTag(explicit0(authSafe, body), 0x04, 'OCTET STRING'));
    } else if (oid === OID.encryptedData) {
      const [, eci] = children(authSafe, explicit0(authSafe, body));
      const [, alg, enc] = children(authSafe, eci);
      const encrypted = enc.tag === 0x80 ? content(authSafe, enc) : Buffer.concat(children(authSafe, enc).map((t) => content(authSafe, t)));
      const plain = pbeDecrypt(authSafe.subarray(alg.start, alg.end), encrypted, password);
      if (!plain) throw wrongPassword(label);
      safeContents = plain;
    } else {
      throw new KsError('KEYSTORE_UNSUPPORTED', `${label}: PKCS12 content type ${oid} (public-key encryption) is not supported`);
    }
    bags.push(...readSafeContents(safeContents));
  }
  return { bags, contentInfos, mac };
}

function readSafeContents(sc: Buffer): P12Bag[] {
  const out: P12Bag[] = [];
  for (const bag of children(sc, expectTag(readTlv(sc, 0), 0x30, 'SafeContents'))) {
    const [idT, valueT, attrsT] = children(sc, bag);
    const id = decodeOid(content(sc, idT));
    const inner = explicit0(sc, valueT);
    const b: P12Bag = { kind: 'key', trusted: false, value: Buffer.alloc(0), encrypted: false };
    if (attrsT) {
      for (const attr of children(sc, attrsT)) {
        const [aOid, values] = children(sc, attr);
        const first = children(sc, values)[0];
        const aid = decodeOid(content(sc, aOid));
        if (aid === OID.friendlyName && first) b.friendlyName = bmpToString(content(sc, first));
        else if (aid === OID.localKeyId && first) b.localKeyId = Buffer.from(content(sc, first));
        else if (aid === OID.javaTrusted) b.trusted = true;
      }
    }
    const raw = Buffer.from(sc.subarray(inner.start, inner.end));
    if (id === OID.keyBag || id === OID.shroudedKeyBag) {
      out.push({ ...b, kind: 'key', value: raw, encrypted: id === OID.shroudedKeyBag });
    } else if (id === OID.certBag) {
      const [certId, certValue] = children(sc, inner);
      if (decodeOid(content(sc, certId)) !== OID.x509Certificate) continue; // SDSI certificates: Java ignores them too
      out.push({ ...b, kind: 'cert', value: Buffer.from(content(sc, explicit0(sc, certValue))) });
    } else if (id === OID.secretBag) {
      out.push({ ...b, kind: 'secret', value: raw });
    }
    // CRL bags and nested safeContents bags are not keystore entries.
  }
  return out;
}

/** PrivateKeyInfo DER of a key bag, or null when `password` does not decrypt it. */
export function decryptKeyBag(bag: P12Bag, password: string): Buffer | null {
  if (!bag.encrypted) return bag.value;
  const [alg, data] = children(bag.value, readTlv(bag.value, 0));
  const plain = pbeDecrypt(bag.value.subarray(alg.start, alg.end), content(bag.value, data), password);
  if (!plain) return null;
  try {
    readTlv(plain, 0); // a wrong password can pass the padding check by chance
    return plain;
  } catch {
    return null;
  }
}

/**
 * Each bag's alias as Java's PKCS12KeyStore names it, lower-cased (undefined for a certificate that
 * is only a key's chain member): its friendlyName, or for an entry without one (openssl pkcs12
 * -export without -name) the next of "1", "2", … counted over such entries in file order, which is
 * what keytool lists and what a WSO2 config must name.
 */
export function javaAliases(raw: P12Raw): Array<string | undefined> {
  let unnamed = 0;
  return raw.bags.map((b) => {
    if (b.kind === 'cert' && !b.trusted) return b.friendlyName?.toLowerCase();
    return (b.friendlyName ?? String(++unnamed)).toLowerCase();
  });
}

/** The chain of the key bag: its own certificate (same localKeyId), then issuers among the other bags. */
export function chainFor(raw: P12Raw, key: P12Bag): Buffer[] {
  const certs = raw.bags.filter((b) => b.kind === 'cert');
  const leaf = certs.find((c) => c.localKeyId && key.localKeyId && c.localKeyId.equals(key.localKeyId));
  if (!leaf) return [];
  const chain = [leaf.value];
  let current = new X509Certificate(leaf.value);
  for (let i = 0; i < 10; i++) {
    if (current.checkIssued(current)) break; // self-signed
    const cur = current;
    const issuer = certs.find((c) => !chain.some((d) => d.equals(c.value)) && cur.checkIssued(new X509Certificate(c.value)));
    if (!issuer) break;
    chain.push(issuer.value);
    current = new X509Certificate(issuer.value);
  }
  return chain;
}

/**
 * A new PFX: the old ContentInfos unchanged, one more (unencrypted) holding a certificate bag with
 * the friendlyName and Java's trusted marker, and a MAC over the new AuthenticatedSafe.
 */
export function appendTrustedCertPkcs12(raw: P12Raw, password: string, alias: string, certDer: Buffer): Buffer {
  const bmp = Buffer.from(alias, 'utf16le').swap16();
  const attrs = tlv(
    0x31,
    tlv(0x30, encodeOid(OID.friendlyName), tlv(0x31, tlv(0x1e, bmp))),
    tlv(0x30, encodeOid(OID.javaTrusted), tlv(0x31, encodeOid(OID.anyExtendedKeyUsage))),
  );
  const certBag = tlv(0x30, encodeOid(OID.x509Certificate), tlv(0xa0, tlv(0x04, certDer)));
  const safeBag = tlv(0x30, encodeOid(OID.certBag), tlv(0xa0, certBag), attrs);
  const safeContents = tlv(0x30, safeBag);
  const newCi = tlv(0x30, encodeOid(OID.data), tlv(0xa0, tlv(0x04, safeContents)));
  const authSafe = tlv(0x30, ...raw.contentInfos, newCi);

  const digestOid = raw.mac?.digestOid ?? OID.sha256;
  const iterations = raw.mac?.iterations ?? 10000;
  const salt = randomBytes(20);
  const mac = computeMac(password, authSafe, salt, iterations, digestOid);
  const macData = tlv(
    0x30,
    tlv(0x30, tlv(0x30, encodeOid(digestOid), Buffer.from([0x05, 0x00])), tlv(0x04, mac)),
    tlv(0x04, salt),
    encodeInteger(iterations),
  );
  return tlv(0x30, encodeInteger(3), tlv(0x30, encodeOid(OID.data), tlv(0xa0, tlv(0x04, authSafe))), macData);
}

/** Java writes "Time <millis>" as the localKeyId of the entries it creates. */
export function dateFromLocalKeyId(id: Buffer | undefined): Date | undefined {
  const m = id ? /^Time (\d+)$/.exec(id.toString('latin1')) : null;
  return m ? new Date(Number(m[1])) : undefined;
}

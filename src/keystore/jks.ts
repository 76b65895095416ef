import { createHash, timingSafeEqual } from 'node:crypto';
import { KsError } from '../errors';
import { javaPasswordBytes } from './key-protector';

/**
 * The JKS file format (sun.security.provider.JavaKeyStore), read and written without Java:
 *
 *   u4 magic 0xFEEDFEED, u4 version (1|2), u4 count, then per entry:
 *     u4 tag (1 = private key, 2 = trusted cert), UTF alias, u8 date (ms since epoch),
 *     tag 1: u4 len + protected key, u4 chain length, then per cert: [v2: UTF type] u4 len + DER
 *     tag 2: [v2: UTF type] u4 len + DER
 *   then SHA-1(password as UTF-16BE ‖ "Mighty Aphrodite" ‖ everything before the digest).
 *
 * "UTF" is Java's modified UTF-8 with a u2 length. Writing always produces version 2 and re-emits
 * every parsed entry from its raw fields (alias bytes, date, key blob, cert bytes), so a parsed file
 * serialises back byte-identical; the tests prove it on the WSO2 fixtures.
 * Does not handle JCEKS (tag 3 secret keys, different magic): that is refused earlier.
 */

export interface JksCert {
  type: string;
  der: Buffer;
}

export interface JksRawEntry {
  tag: 1 | 2;
  alias: string;
  date: bigint;
  /** Tag 1 only: the KeyProtector EncryptedPrivateKeyInfo. */
  protectedKey?: Buffer;
  certs: JksCert[];
}

export interface JksRaw {
  version: number;
  entries: JksRawEntry[];
}

const WHITENER = Buffer.from('Mighty Aphrodite', 'utf8');

export function jksDigest(body: Buffer, password: string): Buffer {
  return createHash('sha1').update(javaPasswordBytes(password)).update(WHITENER).update(body).digest();
}

class Reader {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly label: string,
  ) {}
  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new KsError('KEYSTORE_INVALID', `not a keystore: ${this.label} is truncated (JKS data ends at byte ${this.buf.length})`);
    }
  }
  u2(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u4(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u8(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  utf(): string {
    return decodeModifiedUtf8(this.bytes(this.u2()));
  }
}

/**
 * Parses a JKS. With `password` the integrity digest is checked (KEYSTORE_PASSWORD on mismatch,
 * Java's own wording); without it only the structure is read.
 */
export function parseJks(bytes: Buffer, password: string | undefined, label: string): JksRaw {
  const r = new Reader(bytes, label);
  if (bytes.length < 4 || r.u4() !== 0xfeedfeed) throw new KsError('KEYSTORE_INVALID', `not a keystore: ${label} is not a JKS file`);
  const version = r.u4();
  if (version !== 1 && version !== 2) {
    throw new KsError('KEYSTORE_INVALID', `not a keystore: ${label} has unknown JKS version ${version}`);
  }
  const count = r.u4();
  const entries: JksRawEntry[] = [];
  const readCert = (): JksCert => {
    const type = version === 2 ? r.utf() : 'X.509';
    return { type, der: r.bytes(r.u4()) };
  };
  for (let i = 0; i < count; i++) {
    const tag = r.u4();
    if (tag !== 1 && tag !== 2) {
      throw new KsError('KEYSTORE_INVALID', `not a keystore: ${label} has an unknown JKS entry tag ${tag} (entry ${i + 1})`);
    }
    const alias = r.utf();
    const date = r.u8();
    if (tag === 1) {
      const protectedKey = r.bytes(r.u4());
      const n = r.u4();
      const certs: JksCert[] = [];
      for (let j = 0; j < n; j++) certs.push(readCert());
      entries.push({ tag, alias, date, protectedKey, certs });
    } else {
      entries.push({ tag, alias, date, certs: [readCert()] });
    }
  }
  const bodyEnd = r.pos;
  const stored = r.bytes(20);
  if (password !== undefined && !timingSafeEqual(stored, jksDigest(bytes.subarray(0, bodyEnd), password))) {
    throw new KsError('KEYSTORE_PASSWORD', `${label}: Keystore was tampered with, or password was incorrect`, {
      hint: 'Check the keystore password.',
    });
  }
  return { version, entries };
}

/** Writes a version 2 JKS with a fresh integrity digest. */
export function serializeJks(raw: JksRaw, password: string): Buffer {
  const parts: Buffer[] = [];
  const u2 = (v: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v);
    parts.push(b);
  };
  const u4 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v);
    parts.push(b);
  };
  const utf = (s: string) => {
    const b = encodeModifiedUtf8(s);
    if (b.length > 0xffff) throw new Error('JKS string too long');
    u2(b.length);
    parts.push(b);
  };
  const cert = (c: JksCert) => {
    utf(c.type);
    u4(c.der.length);
    parts.push(c.der);
  };
  u4(0xfeedfeed);
  u4(2);
  u4(raw.entries.length);
  for (const e of raw.entries) {
    u4(e.tag);
    utf(e.alias);
    const d = Buffer.alloc(8);
    d.writeBigUInt64BE(e.date);
    parts.push(d);
    if (e.tag === 1) {
      if (!e.protectedKey) throw new Error('private key entry without key');
      u4(e.protectedKey.length);
      parts.push(e.protectedKey);
      u4(e.certs.length);
      e.certs.forEach(cert);
    } else {
      cert(e.certs[0]);
    }
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, jksDigest(body, password)]);
}

/** Java's DataInput.readUTF: like UTF-8 but NUL is C0 80 and supplementary chars are surrogate pairs. */
export function decodeModifiedUtf8(b: Buffer): string {
  let out = '';
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i += 1;
    } else if ((c & 0xe0) === 0xc0 && i + 1 < b.length) {
      out += String.fromCharCode(((c & 0x1f) << 6) | (b[i + 1] & 0x3f));
      i += 2;
    } else if ((c & 0xf0) === 0xe0 && i + 2 < b.length) {
      out += String.fromCharCode(((c & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f));
      i += 3;
    } else {
      throw new KsError('KEYSTORE_INVALID', 'not a keystore: malformed alias or certificate type string');
    }
  }
  return out;
}

export function encodeModifiedUtf8(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 1 && c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Buffer.from(out);
}

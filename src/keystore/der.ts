/**
 * Just enough DER reading for keystores: walk TLVs, read OIDs and BIT STRINGs.
 * It exists so the JKS path (and type detection) never loads node-forge, which costs start-up time.
 * Reading never copies: every Tlv is a byte range into the caller's buffer.
 * Does not handle: BER indefinite lengths inside structures (only `detect` tolerates one at the top),
 * tags above 30, or lengths over 2^32.
 */

export interface Tlv {
  /** The identifier octet, e.g. 0x30 for SEQUENCE, 0xa3 for [3] constructed. */
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

export class DerError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'DerError';
  }
}

/** Reads one TLV at `offset`; never reads past `limit`. */
export function readTlv(buf: Buffer, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated DER header', offset);
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not supported', offset);
  let pos = offset + 1;
  let len = buf[pos++];
  if (len === 0x80) throw new DerError('indefinite-length BER is not supported', offset);
  if (len > 0x80) {
    const n = len & 0x7f;
    if (n > 4 || pos + n > limit) throw new DerError('bad DER length', offset);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos++];
  }
  const end = pos + len;
  if (end > limit) throw new DerError('DER value runs past its container', offset);
  return { tag, start: offset, contentStart: pos, end };
}

/** The TLVs directly inside a constructed TLV. */
export function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let pos = parent.contentStart;
  while (pos < parent.end) {
    const t = readTlv(buf, pos, parent.end);
    out.push(t);
    pos = t.end;
  }
  return out;
}

export const content = (buf: Buffer, t: Tlv): Buffer => buf.subarray(t.contentStart, t.end);

export function expectTag(t: Tlv, tag: number, what: string): Tlv {
  if (t.tag !== tag) throw new DerError(`expected ${what}`, t.start);
  return t;
}

export function decodeOid(bytes: Buffer): string {
  if (bytes.length === 0) throw new DerError('empty OID', 0);
  const parts: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

/** Bit i of a DER BIT STRING's content (first octet is the unused-bit count), MSB first. */
export function bitStringBit(bytes: Buffer, i: number): boolean {
  const byte = bytes[1 + (i >> 3)];
  return byte !== undefined && (byte & (0x80 >> (i & 7))) !== 0;
}

/** Encodes one TLV (definite length). */
export function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  let head: number[];
  if (n < 0x80) head = [tag, n];
  else {
    const lenBytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) lenBytes.unshift(v & 0xff);
    head = [tag, 0x80 | lenBytes.length, ...lenBytes];
  }
  return Buffer.concat([Buffer.from(head), body]);
}

export function encodeOid(oid: string): Buffer {
  const [a, b, ...rest] = oid.split('.').map(Number);
  const out: number[] = [a * 40 + b];
  for (const v of rest) {
    const groups: number[] = [];
    let x = v;
    do {
      groups.unshift(x & 0x7f);
      x = Math.floor(x / 128);
    } while (x > 0);
    for (let i = 0; i < groups.length - 1; i++) groups[i] |= 0x80;
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

export function encodeInteger(v: number): Buffer {
  const bytes: number[] = [];
  let x = v;
  do {
    bytes.unshift(x & 0xff);
    x = Math.floor(x / 256);
  } while (x > 0);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

export function decodeInteger(bytes: Buffer): number {
  let v = 0;
  for (const b of bytes) v = v * 256 + b;
  return v;
}

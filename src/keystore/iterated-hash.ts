/**
 * H^n(x) for the PKCS#12 key derivation (RFC 7292 appendix B), whose cost is n hashes of one
 * digest: keytool's default is 10,000 iterations. Each is a single compression of one block whose
 * padding is known in advance, so for SHA-256 and SHA-1 it runs here, in a loop over Int32 words:
 * one call to `crypto.hash` per iteration spends most of its ~2.5 µs crossing into C++ and making a
 * Buffer (25 ms per MAC check, the largest single cost of `apply --dry-run`). Other digests, and
 * any input that is not exactly one digest long, go to node:crypto.
 *
 * Checked against node:crypto on random inputs in test/keystore/iterated-hash.test.ts.
 */
import * as cryptoModule from 'node:crypto';
import { createHash } from 'node:crypto';

type OneShotHash = (algorithm: string, data: Buffer, outputEncoding: 'buffer') => Buffer;
const oneShot = (cryptoModule as unknown as { hash?: OneShotHash }).hash;
const hashOnce = (digest: string, data: Buffer): Buffer => (oneShot ? oneShot(digest, data, 'buffer') : createHash(digest).update(data).digest());

/** `digest` applied `times` times to `input` (times = 0 returns a copy). */
export function iterateHash(digest: string, input: Buffer, times: number): Buffer {
  if (digest === 'sha256' && input.length === 32) return iterateSha256(input, times);
  if (digest === 'sha1' && input.length === 20) return iterateSha1(input, times);
  let a: Buffer = Buffer.from(input);
  for (let i = 0; i < times; i++) a = hashOnce(digest, a);
  return a;
}

const K256 = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const H256 = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

function iterateSha256(input: Buffer, times: number): Buffer {
  const h = new Int32Array(8);
  for (let i = 0; i < 8; i++) h[i] = input.readInt32BE(i * 4);
  // One block: the 32-byte digest (copied in by compress256), 0x80, zeros, and the length in bits.
  const w = new Int32Array(64);
  w[8] = 0x80000000 | 0;
  w[15] = 256;
  // A small function called `times` times gets optimised sooner than one long loop (cold start matters here).
  for (let n = 0; n < times; n++) compress256(h, w);
  const out = Buffer.alloc(32);
  for (let i = 0; i < 8; i++) out.writeInt32BE(h[i], i * 4);
  return out;
}

/** h = SHA-256 compression of the block whose first 8 words are h and the rest are w[8..15]. */
function compress256(h: Int32Array, w: Int32Array): void {
  for (let i = 0; i < 8; i++) w[i] = h[i];
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15];
    const y = w[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = H256[0];
  let b = H256[1];
  let c = H256[2];
  let d = H256[3];
  let e = H256[4];
  let f = H256[5];
  let g = H256[6];
  let hh = H256[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + S1 + ch + K256[i] + w[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (H256[0] + a) | 0;
  h[1] = (H256[1] + b) | 0;
  h[2] = (H256[2] + c) | 0;
  h[3] = (H256[3] + d) | 0;
  h[4] = (H256[4] + e) | 0;
  h[5] = (H256[5] + f) | 0;
  h[6] = (H256[6] + g) | 0;
  h[7] = (H256[7] + hh) | 0;
}

const H1 = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);

function iterateSha1(input: Buffer, times: number): Buffer {
  const h = new Int32Array(5);
  for (let i = 0; i < 5; i++) h[i] = input.readInt32BE(i * 4);
  // One block: the 20-byte digest (copied in by compress1), 0x80, zeros, and the length in bits.
  const w = new Int32Array(80);
  w[5] = 0x80000000 | 0;
  w[15] = 160;
  for (let n = 0; n < times; n++) compress1(h, w);
  const out = Buffer.alloc(20);
  for (let i = 0; i < 5; i++) out.writeInt32BE(h[i], i * 4);
  return out;
}

/** h = SHA-1 compression of the block whose first 5 words are h and the rest are w[5..15]. */
function compress1(h: Int32Array, w: Int32Array): void {
  for (let i = 0; i < 5; i++) w[i] = h[i];
  for (let i = 16; i < 80; i++) {
    const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
    w[i] = (x << 1) | (x >>> 31);
  }
  let a = H1[0];
  let b = H1[1];
  let c = H1[2];
  let d = H1[3];
  let e = H1[4];
  for (let i = 0; i < 80; i++) {
    let f: number;
    let k: number;
    if (i < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (i < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc | 0;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6 | 0;
    }
    const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  h[0] = (H1[0] + a) | 0;
  h[1] = (H1[1] + b) | 0;
  h[2] = (H1[2] + c) | 0;
  h[3] = (H1[3] + d) | 0;
  h[4] = (H1[4] + e) | 0;
}

/**
 * H^n(x) for the PKCS#12 key derivation (RFC 7292 appendix B), whose cost is n hashes of one
 * digest: keytool's default is 10,000 iterations. Each is a single compression of one block whose
 * padding is known in advance, so for SHA-256 and SHA-1 it runs here, not through node:crypto: one
 * call to `crypto.hash` per iteration spends most of its ~2.5 µs crossing into C++ and making a
 * Buffer (25 ms per MAC check, the largest single cost of `apply --dry-run`).
 *
 * The loop runs as WebAssembly (wasm-sha.ts), made when first needed: in a fresh process 10,000
 * SHA-256 iterations take about a third of the time of the same loop in JavaScript below (~7 vs
 * ~20 ms), which spends most of it in V8's interpreter before it is optimised. The JavaScript loop stays for a process without WebAssembly
 * (`node --jitless`). Other digests, and any input that is not exactly one digest long, go to
 * node:crypto.
 *
 * Both loops are checked against node:crypto on random inputs in test/keystore/iterated-hash.test.ts.
 */
import * as cryptoModule from 'node:crypto';
import { createHash } from 'node:crypto';
import { H1, H256, K256 } from './sha-constants';
import { LAYOUT, SHA_MODULE_BASE64 } from './wasm-sha';

type OneShotHash = (algorithm: string, data: Buffer, outputEncoding: 'buffer') => Buffer;
const oneShot = (cryptoModule as unknown as { hash?: OneShotHash }).hash;
const hashOnce = (digest: string, data: Buffer): Buffer => (oneShot ? oneShot(digest, data, 'buffer') : createHash(digest).update(data).digest());

/** Which loop runs SHA-256 and SHA-1: 'auto' is WebAssembly where the process has it. */
export type HashLoop = 'auto' | 'js';

/** `digest` applied `times` times to `input` (times = 0 returns a copy). */
export function iterateHash(digest: string, input: Buffer, times: number, loop: HashLoop = 'auto'): Buffer {
  const sha: 'sha256' | 'sha1' | null = (digest === 'sha256' && input.length === 32) || (digest === 'sha1' && input.length === 20) ? digest : null;
  if (sha) {
    // The module is instantiated only here: a digest it does not run (SHA-512) never pays for it.
    const w = loop === 'auto' ? wasmSha() : null;
    if (w) return w.iterate(sha, input, times);
    return sha === 'sha256' ? iterateJs(input, times, new Int32Array(64), compress256) : iterateJs(input, times, new Int32Array(80), compress1);
  }
  let a: Buffer = Buffer.from(input);
  for (let i = 0; i < times; i++) a = hashOnce(digest, a);
  return a;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
interface WasmSha {
  iterate(digest: 'sha256' | 'sha1', input: Buffer, times: number): Buffer;
}

/**
 * Iterations per call into WebAssembly. V8 starts the module in its baseline compiler and swaps in
 * optimised code between calls (never inside a running call), so one call of 10,000 would run
 * unoptimised throughout (~35 ms); slices of 64 get the optimised code after the first few.
 */
const SLICE = 64;
let wasmInstance: WasmSha | null | undefined;

/** The WebAssembly loops, instantiated on first use; null when the process has no WebAssembly. */
export function wasmSha(): WasmSha | null {
  if (wasmInstance !== undefined) return wasmInstance;
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) return (wasmInstance = null);
  let exports: Record<string, unknown>;
  try {
    exports = new api.Instance(new api.Module(Buffer.from(SHA_MODULE_BASE64, 'base64')), {}).exports;
  } catch {
    return (wasmInstance = null); // WebAssembly turned off in this process: the JavaScript loop
  }
  const mem = new DataView((exports.mem as { buffer: ArrayBuffer }).buffer);
  const fns = { sha256: exports.sha256 as (n: number) => void, sha1: exports.sha1 as (n: number) => void };
  const words = (at: number, values: ArrayLike<number>) => {
    for (let i = 0; i < values.length; i++) mem.setInt32(at + 4 * i, values[i], true);
  };
  words(LAYOUT.K256, K256);
  words(LAYOUT.H256, H256);
  words(LAYOUT.W256 + 32, [0x80000000 | 0, 0, 0, 0, 0, 0, 0, 256]);
  words(LAYOUT.H1, H1);
  words(LAYOUT.W1 + 20, [0x80000000 | 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 160]);
  return (wasmInstance = {
    iterate(digest, input, times) {
      const state = digest === 'sha256' ? LAYOUT.S256 : LAYOUT.S1;
      const fn = fns[digest];
      for (let i = 0; i < input.length; i += 4) mem.setInt32(state + i, input.readInt32BE(i), true);
      for (let left = times; left > 0; left -= SLICE) fn(Math.min(left, SLICE));
      const out = Buffer.alloc(input.length);
      for (let i = 0; i < input.length; i += 4) out.writeInt32BE(mem.getInt32(state + i, true), i);
      return out;
    },
  });
}

/**
 * `compress` applied `times` times to the one block of a digest-long input: the digest's words (which
 * compress copies in from h), 0x80, zeros, and the length in bits in word 15. Two different
 * compression functions, one shape of block.
 */
function iterateJs(input: Buffer, times: number, w: Int32Array, compress: (h: Int32Array, w: Int32Array) => void): Buffer {
  const words = input.length / 4;
  const h = new Int32Array(words);
  for (let i = 0; i < words; i++) h[i] = input.readInt32BE(i * 4);
  w[words] = 0x80000000 | 0;
  w[15] = input.length * 8;
  // A small function called `times` times gets optimised sooner than one long loop (cold start matters here).
  for (let n = 0; n < times; n++) compress(h, w);
  const out = Buffer.alloc(input.length);
  for (let i = 0; i < words; i++) out.writeInt32BE(h[i], i * 4);
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

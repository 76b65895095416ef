/**
 * H^n(x) for the PKCS#12 key derivation (RFC 7292 appendix B), whose cost is n hashes of one
 * digest: keytool's default is 10,000 iterations. Each is a single compression of one block whose
 * padding is known in advance, so for SHA-256 and SHA-1 it runs here, not through node:crypto: one
 * call to `crypto.hash` per iteration spends most of its ~2.5 µs crossing into C++ and making a
 * Buffer (25 ms per MAC check, the largest single cost of `apply --dry-run`).
 *
 * The loop runs as WebAssembly (wasm-sha.ts), instantiated when first needed: in a fresh process
 * 10,000 SHA-256 iterations take ~7 ms, against ~20 ms for the same compression written in
 * JavaScript (mostly V8's interpreter before it is optimised) and ~30 ms through node:crypto. A
 * process without WebAssembly (`node --jitless`) has no JIT either, so there a JavaScript
 * compression would be interpreted throughout (~400 ms): it goes to node:crypto (~30 ms), as do
 * other digests and any input that is not exactly one digest long.
 *
 * Both paths are checked against node:crypto on random inputs in test/keystore/iterated-hash.test.ts.
 */
import { hash } from 'node:crypto';
import { H1, H256, K256 } from './sha-constants';
import { LAYOUT, SHA_MODULE_BASE64 } from './wasm-sha';

/** Which loop runs SHA-256 and SHA-1: 'auto' is WebAssembly where the process has it, 'crypto' is node:crypto (what a process without it runs). */
export type HashLoop = 'auto' | 'crypto';

/** `digest` applied `times` times to `input` (times = 0 returns a copy). */
export function iterateHash(digest: string, input: Buffer, times: number, loop: HashLoop = 'auto'): Buffer {
  const sha: 'sha256' | 'sha1' | null = (digest === 'sha256' && input.length === 32) || (digest === 'sha1' && input.length === 20) ? digest : null;
  // The module is instantiated only here: a digest it does not run (SHA-512) never pays for it.
  const w = sha && loop === 'auto' ? wasmSha() : null;
  if (sha && w) return w.iterate(sha, input, times);
  let a: Buffer = Buffer.from(input);
  for (let i = 0; i < times; i++) a = hash(digest, a, 'buffer');
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
    return (wasmInstance = null); // WebAssembly turned off in this process: node:crypto
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

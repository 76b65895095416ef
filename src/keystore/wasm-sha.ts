/**
 * The SHA-256 and SHA-1 compression loops of iterated-hash.ts as a WebAssembly module: its bytes
 * (`SHA_MODULE_BASE64`) and the memory layout the caller fills. The bytes are made by readable code,
 * `shaModule()` in test/keystore/sha-module.ts, which only the test that compares the two runs: a
 * process loads the bytes and never builds them.
 *
 * Why: the PKCS#12 MAC key is one block compressed 10,000 times, in a fresh process. The same loop
 * in JavaScript spends most of its ~20 ms in V8's interpreter and baseline tiers before it is
 * optimised; WebAssembly starts in compiled code (Liftoff) and is optimised in the background. The
 * loop is called in slices (`SLICE` iterations), because a running WebAssembly call is never
 * replaced by its optimised code (no on-stack replacement): the next call picks it up.
 *
 * Memory (one 64 KiB page), byte offsets, words as little-endian i32:
 *   K256  0..255    the 64 SHA-256 round constants
 *   W256  256..511  the SHA-256 message schedule; words 8..15 are the fixed padding of a 32-byte input
 *   S256  512..543  the SHA-256 state (in: the digest to hash; out: its hash)
 *   H256  544..575  the SHA-256 initial hash value
 *   W1    576..895  the SHA-1 message schedule; words 5..15 are the fixed padding of a 20-byte input
 *   S1    896..915  the SHA-1 state
 *   H1    916..935  the SHA-1 initial hash value
 * Each function `sha256(n)` / `sha1(n)` replaces the state with its hash, n times.
 */

export const LAYOUT = { K256: 0, W256: 256, S256: 512, H256: 544, W1: 576, S1: 896, H1: 916 } as const;

/**
 * What `shaModule()` (test/keystore/sha-module.ts) returns, kept as text so that a process does not
 * build it at start (~2 ms cold). test/keystore/iterated-hash.test.ts checks that it is the same
 * bytes, and prints the new text when that code changes.
 */
export const SHA_MODULE_BASE64 = [
  'AGFzbQEAAAABBQFgAX8AAwMCAAAFAwEAAQcXAwNtZW0CAAZzaGEyNTYAAARzaGExAAEKlAgC5AMBDH8CQANAIABFDQFBACEBA0Ag',
  'ASABKAKABDYCgAIgAUEEaiEBIAFBIEkNAAtBwAAhAQNAIAEoAsQBIQIgAkEHeCACQRJ4cyACQQN2cyEDIAEoAvgBIQIgAkEReCAC',
  'QRN4cyACQQp2cyEEIAEgASgCwAEgA2ogASgC5AFqIARqNgKAAiABQQRqIQEgAUGAAkkNAAtBACgCoAQhBUEAKAKkBCEGQQAoAqgE',
  'IQdBACgCrAQhCEEAKAKwBCEJQQAoArQEIQpBACgCuAQhC0EAKAK8BCEMQQAhAQNAIAwgCUEGeCAJQQt4cyAJQRl4c2ogCyAJIAog',
  'C3Nxc2ogASgCAGogASgCgAJqIQMgBUECeCAFQQ14cyAFQRZ4cyAFIAZxIAcgBSAGcnFyaiEEIAshDCAKIQsgCSEKIAggA2ohCSAH',
  'IQggBiEHIAUhBiADIARqIQUgAUEEaiEBIAFBgAJJDQALQQBBACgCoAQgBWo2AoAEQQBBACgCpAQgBmo2AoQEQQBBACgCqAQgB2o2',
  'AogEQQBBACgCrAQgCGo2AowEQQBBACgCsAQgCWo2ApAEQQBBACgCtAQgCmo2ApQEQQBBACgCuAQgC2o2ApgEQQBBACgCvAQgDGo2',
  'ApwEIABBAWshAAwACwsLqwQBB38CQANAIABFDQFBACEBA0AgASABKAKABzYCwAQgAUEEaiEBIAFBFEkNAAtBwAAhAQNAIAEgASgC',
  'tAQgASgCoARzIAEoAogEcyABKAKABHNBAXc2AsAEIAFBBGohASABQcACSQ0AC0EAKAKUByEDQQAoApgHIQRBACgCnAchBUEAKAKg',
  'ByEGQQAoAqQHIQdBACEBA0AgA0EFdyAGIAQgBSAGc3FzaiAHakGZ84nUBWogASgCwARqIQIgBiEHIAUhBiAEQR53IQUgAyEEIAIh',
  'AyABQQRqIQEgAUHQAEkNAAtB0AAhAQNAIANBBXcgBCAFcyAGc2ogB2pBodfn9gZqIAEoAsAEaiECIAYhByAFIQYgBEEedyEFIAMh',
  'BCACIQMgAUEEaiEBIAFBoAFJDQALQaABIQEDQCADQQV3IAQgBXEgBiAEIAVycXJqIAdqQdz57vh4aiABKALABGohAiAGIQcgBSEG',
  'IARBHnchBSADIQQgAiEDIAFBBGohASABQfABSQ0AC0HwASEBA0AgA0EFdyAEIAVzIAZzaiAHakHWg4vTfGogASgCwARqIQIgBiEH',
  'IAUhBiAEQR53IQUgAyEEIAIhAyABQQRqIQEgAUHAAkkNAAtBAEEAKAKUByADajYCgAdBAEEAKAKYByAEajYChAdBAEEAKAKcByAF',
  'ajYCiAdBAEEAKAKgByAGajYCjAdBAEEAKAKkByAHajYCkAcgAEEBayEADAALCws=',
].join('');

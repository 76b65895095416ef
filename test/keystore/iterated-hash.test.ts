/** The hand-rolled SHA-256/SHA-1 iteration of the PKCS12 KDF gives what node:crypto gives, in WebAssembly and through its node:crypto fallback. */
import { createHash, randomBytes } from 'node:crypto';
import { iterateHash, wasmSha, type HashLoop } from '../../src/keystore/iterated-hash';
import { SHA_MODULE_BASE64 } from '../../src/keystore/wasm-sha';
import { shaModule } from './sha-module';

const native = (digest: string, input: Buffer, times: number) => {
  let a = Buffer.from(input);
  for (let i = 0; i < times; i++) a = createHash(digest).update(a).digest();
  return a;
};

describe.each(['auto', 'crypto'] as HashLoop[])('iterateHash (%s loop)', (loop) => {
  it.each([
    ['sha256', 32],
    ['sha1', 20],
    ['sha512', 64],
    ['sha256', 20], // not one digest long: node:crypto's path
  ])('%s on %i-byte inputs matches node:crypto for 0, 1, 2, 63, 64, 65 and 1000 rounds', (digest, len) => {
    for (let k = 0; k < 20; k++) {
      const input = randomBytes(len as number);
      for (const n of [0, 1, 2, 63, 64, 65, 1000]) expect(iterateHash(digest as string, input, n, loop).toString('hex')).toBe(native(digest as string, input, n).toString('hex'));
    }
  });

  it('does not change its input', () => {
    const input = Buffer.alloc(32, 7);
    iterateHash('sha256', input, 5, loop);
    expect(input.equals(Buffer.alloc(32, 7))).toBe(true);
  });
});

describe('the WebAssembly loops', () => {
  it('are loaded from the bytes the code in sha-module.ts makes', () => {
    const made = Buffer.from(shaModule()).toString('base64');
    if (made !== SHA_MODULE_BASE64) {
      console.log(`SHA_MODULE_BASE64 in src/keystore/wasm-sha.ts is out of date; the code makes:\n${made.match(/.{1,100}/g)!.map((l) => `  '${l}',`).join('\n')}`);
    }
    expect(made).toBe(SHA_MODULE_BASE64);
  });

  it('are what node runs by default (the module validates)', () => {
    const wasm = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
    expect(wasm.validate(shaModule())).toBe(true);
    expect(wasmSha()).not.toBeNull();
  });

  it('keep no state between digests or calls', () => {
    const a = randomBytes(32);
    const b = randomBytes(20);
    const first = iterateHash('sha256', a, 10_000).toString('hex');
    iterateHash('sha1', b, 777);
    expect(iterateHash('sha256', a, 10_000).toString('hex')).toBe(first);
    expect(first).toBe(native('sha256', a, 10_000).toString('hex'));
  });

  it('fall back to node:crypto in a process without WebAssembly (as under node --jitless)', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'WebAssembly')!;
    delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require('../../src/keystore/iterated-hash') as typeof import('../../src/keystore/iterated-hash');
        expect(fresh.wasmSha()).toBeNull();
        const input = randomBytes(32);
        expect(fresh.iterateHash('sha256', input, 100).toString('hex')).toBe(native('sha256', input, 100).toString('hex'));
      });
    } finally {
      Object.defineProperty(globalThis, 'WebAssembly', saved);
    }
  });
});

/** The hand-rolled SHA-256/SHA-1 iteration of the PKCS12 KDF gives what node:crypto gives. */
import { createHash, randomBytes } from 'node:crypto';
import { iterateHash } from '../../src/keystore/iterated-hash';

const native = (digest: string, input: Buffer, times: number) => {
  let a = Buffer.from(input);
  for (let i = 0; i < times; i++) a = createHash(digest).update(a).digest();
  return a;
};

describe('iterateHash', () => {
  it.each([
    ['sha256', 32],
    ['sha1', 20],
    ['sha512', 64],
    ['sha256', 20], // not one digest long: node:crypto's path
  ])('%s on %i-byte inputs matches node:crypto for 0, 1, 2 and 1000 rounds', (digest, len) => {
    for (let k = 0; k < 20; k++) {
      const input = randomBytes(len as number);
      for (const n of [0, 1, 2, 1000]) expect(iterateHash(digest as string, input, n).toString('hex')).toBe(native(digest as string, input, n).toString('hex'));
    }
  });

  it('does not change its input', () => {
    const input = Buffer.alloc(32, 7);
    iterateHash('sha256', input, 5);
    expect(input.equals(Buffer.alloc(32, 7))).toBe(true);
  });
});

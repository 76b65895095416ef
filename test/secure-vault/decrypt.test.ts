/**
 * decryptVaultValue on the cipher tool's forms: base64 of the RSA cipher text (PKCS#1 v1.5, Carbon
 * 4.4's "RSA"; OAEP with SHA-1), and base64 of the self-contained JSON `{"c": …, "t": …}`. Another
 * key, or a value that is not cipher text, gives null, never a wrong clear text.
 * (Java's own encryption of the first two: rerun.test.ts.)
 */
import { constants, generateKeyPairSync, publicEncrypt } from 'node:crypto';
import { decryptVaultValue } from '../../src/edit/secure-vault';

const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicKey, der: privateKey.export({ type: 'pkcs8', format: 'der' }) };
};
const a = pair();
const b = pair();
const SECRET = 'pä55-word"]';
const pkcs1 = publicEncrypt({ key: a.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(SECRET)).toString('base64');
const oaep = publicEncrypt({ key: a.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(SECRET)).toString('base64');

it.each([
  ['PKCS#1 v1.5', pkcs1],
  ['OAEP SHA-1', oaep],
  ['self-contained JSON', Buffer.from(JSON.stringify({ c: oaep, t: 'RSA/ECB/OAEPwithSHA1andMGF1Padding', tp: 'pkcs8', kid: 'x' })).toString('base64')],
])('%s: the right key gives the clear text', (_, value) => {
  expect(decryptVaultValue(value, a.der)).toBe(SECRET);
});

it.each([
  ['PKCS#1 v1.5', pkcs1],
  ['OAEP SHA-1', oaep],
])('%s: another key gives null', (_, value) => {
  expect(decryptVaultValue(value, b.der)).toBeNull();
});

it('what is not cipher text for this key gives null', () => {
  for (const v of ['', 'password', Buffer.alloc(256, 7).toString('base64'), Buffer.from('{"c":1}').toString('base64'), '[clear]']) expect(decryptVaultValue(v, a.der)).toBeNull();
  expect(decryptVaultValue(pkcs1, Buffer.from('not a key'))).toBeNull();
});

import { createHash, timingSafeEqual } from 'node:crypto';
import { children, content, decodeOid, expectTag, readTlv } from './der';

/**
 * Sun's proprietary JKS private-key protection (sun.security.provider.KeyProtector), which JKS
 * uses for every private key entry. The protected key is an EncryptedPrivateKeyInfo whose
 * encrypted data is salt(20) ‖ (PKCS#8 XOR keystream) ‖ check(20), where the keystream is
 * d1 = SHA1(pw ‖ salt), d(n+1) = SHA1(pw ‖ d(n)), and check = SHA1(pw ‖ plain key).
 * The password bytes are the Java chars in UTF-16BE, so non-ASCII passwords work as in Java.
 */
export const KEY_PROTECTOR_OID = '1.3.6.1.4.1.42.2.17.1.1';
const DIGEST_LEN = 20;

/** Java's char[] → byte[] for keystores: two bytes per UTF-16 code unit, big-endian. */
export function javaPasswordBytes(password: string): Buffer {
  return Buffer.from(password, 'utf16le').swap16();
}

export class UnsupportedKeyProtectionError extends Error {
  constructor(readonly oid: string) {
    super(`unsupported JKS key protection algorithm ${oid}`);
  }
}

/**
 * Returns the PKCS#8 PrivateKeyInfo DER, or null when the password is wrong (the check digest
 * differs). Throws DerError on a malformed blob, UnsupportedKeyProtectionError on another algorithm.
 */
export function recoverJksKey(protectedKey: Buffer, password: string): Buffer | null {
  const outer = expectTag(readTlv(protectedKey, 0), 0x30, 'EncryptedPrivateKeyInfo');
  const [algId, data] = children(protectedKey, outer);
  const oid = decodeOid(content(protectedKey, children(protectedKey, expectTag(algId, 0x30, 'AlgorithmIdentifier'))[0]));
  if (oid !== KEY_PROTECTOR_OID) throw new UnsupportedKeyProtectionError(oid);
  const encr = content(protectedKey, expectTag(data, 0x04, 'OCTET STRING'));
  if (encr.length < 2 * DIGEST_LEN) return null;

  const pw = javaPasswordBytes(password);
  const salt = encr.subarray(0, DIGEST_LEN);
  const body = encr.subarray(DIGEST_LEN, encr.length - DIGEST_LEN);
  const check = encr.subarray(encr.length - DIGEST_LEN);

  const plain = Buffer.alloc(body.length);
  let digest: Buffer = salt;
  for (let off = 0; off < body.length; off += DIGEST_LEN) {
    digest = createHash('sha1').update(pw).update(digest).digest();
    for (let i = 0; i < DIGEST_LEN && off + i < body.length; i++) plain[off + i] = body[off + i] ^ digest[i];
  }
  const actual = createHash('sha1').update(pw).update(plain).digest();
  return timingSafeEqual(actual, check) ? plain : null;
}

import type { DetectedType } from './types';

export const JKS_MAGIC = 0xfeedfeed;
export const JCEKS_MAGIC = 0xcececece;

/**
 * Decides the type from the bytes alone; file extensions lie (a PKCS12 saved as .jks is common).
 * PKCS12 is recognised by its outer shape: SEQUENCE { INTEGER 3, … }. BER indefinite length
 * (0x30 0x80), which some Windows tools write, is accepted here.
 */
export function detectKeystoreType(bytes: Buffer): DetectedType {
  if (bytes.length >= 4) {
    const magic = bytes.readUInt32BE(0);
    if (magic === JKS_MAGIC) return 'JKS';
    if (magic === JCEKS_MAGIC) return 'JCEKS';
  }
  if (bytes.length < 5 || bytes[0] !== 0x30) return 'unknown';
  let pos = 1;
  const len = bytes[pos++];
  if (len > 0x80) pos += len & 0x7f;
  // version INTEGER 3
  return bytes[pos] === 0x02 && bytes[pos + 1] === 0x01 && bytes[pos + 2] === 0x03 ? 'PKCS12' : 'unknown';
}

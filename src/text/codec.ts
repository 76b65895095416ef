/**
 * Bytes ⇄ text without losing a byte. UTF-8 files decode strictly (a BOM stays in the text as U+FEFF so
 * it is written back); a file that declares ISO-8859-1, or is not valid UTF-8 but declares nothing, is
 * read as latin1, which maps every byte to one char and back. Inserted values must be encodable in the
 * file's encoding, or `encodeText` throws VALUE_UNENCODABLE rather than corrupting the file.
 */
import * as nodeBuffer from 'node:buffer';
import { KsError } from '../errors';

export type TextEncodingName = 'utf8' | 'latin1';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * ASCII bytes are the same text in UTF-8 and latin1, and latin1 makes V8's one-byte string directly.
 * TextDecoder goes through a UTF-16 buffer twice the file's size first (200 MB of transient memory
 * for a 100 MB file) and is slower. Node has `isAscii` since 19.6; without it, TextDecoder as before.
 */
const isAscii = (nodeBuffer as { isAscii?: (b: Buffer) => boolean }).isAscii;

export function decodeText(bytes: Buffer, file?: string): DecodedText {
  const head = bytes.subarray(0, 200).toString('latin1');
  const declared = /^(?:\uFEFF)?<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared && /^(iso-8859-1|latin1|iso8859-1|us-ascii)$/.test(declared)) {
    return { text: bytes.toString('latin1'), encoding: 'latin1' };
  }
  if (isAscii?.(bytes)) return { text: bytes.toString('latin1'), encoding: 'utf8' };
  try {
    return { text: utf8.decode(bytes), encoding: 'utf8' };
  } catch {
    if (declared && declared !== 'utf-8' && declared !== 'utf8') {
      throw new KsError('FILE_ENCODING', `the file declares encoding "${declared}", which this tool does not edit`, {
        file,
        hint: 'Convert it to UTF-8 (iconv) or edit it by hand.',
      });
    }
    if (declared) {
      throw new KsError('FILE_ENCODING', 'the file declares UTF-8 but holds bytes that are not valid UTF-8', {
        file,
        hint: 'Fix the bad bytes (or declare encoding="ISO-8859-1") and run again.',
      });
    }
    return { text: bytes.toString('latin1'), encoding: 'latin1' };
  }
}

export function encodeText(text: string, encoding: TextEncodingName, file?: string): Buffer {
  if (encoding === 'latin1') {
    // eslint-disable-next-line no-control-regex
    if (/[^\u0000-\u00ff]/.test(text)) {
      throw new KsError('VALUE_UNENCODABLE', 'a new value has characters that this ISO-8859-1 file cannot hold', {
        file,
        hint: 'Use a value made of Latin-1 characters, or convert the file to UTF-8.',
      });
    }
    return Buffer.from(text, 'latin1');
  }
  return Buffer.from(text, 'utf8');
}

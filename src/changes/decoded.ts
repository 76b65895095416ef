/**
 * `decodeText` once per Buffer. One dry run decodes each managed file's bytes five or six times
 * (where each function's keystore is now, twice; the planner's read and its edit; the diff), and
 * every decode is a new string of the whole file, which the XML view cache (keyed by the text) then
 * hashes again. The bytes a change set holds are never changed in place, so one decode per Buffer
 * is the same text. Errors are not kept: a file that does not decode throws every time.
 */
import { decodeText, type DecodedText } from '../text/codec';

const decoded = new WeakMap<Buffer, DecodedText>();

export function decodedText(bytes: Buffer, file?: string): DecodedText {
  let d = decoded.get(bytes);
  if (!d) decoded.set(bytes, (d = decodeText(bytes, file)));
  return d;
}

/** decodedText: decodeText once per Buffer, the same text every time, errors every time. */
import { decodedText } from '../../src/changes/decoded';
import { KsError } from '../../src/errors';
import { decodeText } from '../../src/text/codec';

describe('decodedText', () => {
  it('decodes a Buffer once and returns what decodeText returns', () => {
    const bytes = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?>\n<a>caf\xe9</a>\n', 'latin1');
    const first = decodedText(bytes, 'a.xml');
    expect(first).toEqual(decodeText(bytes, 'a.xml'));
    expect(decodedText(bytes, 'a.xml')).toBe(first); // the same object: not decoded again
    const copy = Buffer.from(bytes);
    expect(decodedText(copy, 'a.xml')).not.toBe(first); // another Buffer is decoded on its own
    expect(decodedText(copy, 'a.xml')).toEqual(first);
  });

  it('throws for bytes that do not decode, every time', () => {
    const bad = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<a>'), Buffer.from([0xc3, 0x28]), Buffer.from('</a>')]);
    for (let i = 0; i < 2; i++) {
      let err: unknown;
      try {
        decodedText(bad, 'bad.xml');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KsError);
      expect((err as KsError).code).toBe('FILE_ENCODING');
    }
  });
});

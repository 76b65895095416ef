/**
 * The XML view's memory/time savers: the per-text cache (one view per text, shared by every layer
 * of a run), `keep` (a big file's view holds only the elements its reader needs), and saxes loaded
 * only when the fast reader declines a text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSaxes, parseXml, select } from '../../src/xml/document';
import { FIXTURES } from '../helpers/home';

const BIG = 3 << 20; // over the cache limit, where `keep` applies

function bigCarbon(): string {
  const pad: string[] = [];
  for (let n = 0, size = 0; size < BIG; n++) {
    const s = `  <!-- padding ${n} -->\n  <Padding id="${n}"><Deep><Deeper a="1"/>text ${n}</Deep><Empty/></Padding>\n`;
    pad.push(s);
    size += s.length;
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n<Server xmlns="http://wso2.org/projects/carbon/carbon.xml">\n',
    '  <Security>\n    <KeyStore>\n      <Location>${carbon.home}/a.jks</Location>\n      <Password>pw</Password>\n    </KeyStore>\n  </Security>\n',
    ...pad,
    '  <Other><Inner>x</Inner></Other>\n  <CryptoService><Enabled>true</Enabled></CryptoService>\n</Server>\n',
  ].join('');
}

describe('parseXml', () => {
  it('returns the same view for the same text, from any caller', () => {
    const text = '<a><b x="1">t</b></a>';
    const one = parseXml(text, 'one.xml');
    expect(parseXml(`${text}`, 'two.xml')).toBe(one);
    expect(parseXml(`${text} `)).not.toBe(one);
  });

  it('still refuses malformed text every time (errors are not cached)', () => {
    expect(() => parseXml('<a><b></a>', 'x.xml')).toThrow(/malformed/);
    expect(() => parseXml('<a><b></a>', 'x.xml')).toThrow(/malformed/);
  });

  it('keep: a big file holds only the kept paths and the root children, with the same offsets and text as a full view', () => {
    const text = bigCarbon();
    const full = parseXml(text);
    const kept = parseXml(text, 'carbon.xml', { keep: (p) => p[1] === 'Security' || p[1] === 'CryptoService' });
    expect(kept).not.toBe(full);
    expect(kept.elements.length).toBeLessThan(full.elements.length / 3);
    expect(kept.elements.some((e) => e.local === 'Deep' || e.local === 'Deeper' || e.local === 'Empty' || e.local === 'Inner')).toBe(false);
    // Root children are all there (indentation, duplicates), without their insides.
    expect(kept.root.children.map((c) => c.local)).toEqual(full.root.children.map((c) => c.local));
    const padding = kept.root.children.find((c) => c.local === 'Padding')!;
    expect([padding.children, padding.text]).toEqual([[], '']);
    expect(kept.root.children.find((c) => c.local === 'Security')!.children.map((c) => c.local)).toEqual(['KeyStore']);
    for (const path of ['Server/Security/KeyStore/Location', 'Server/Security/KeyStore/Password', 'Server/CryptoService/Enabled', 'Server/Other']) {
      const [a] = select(kept, path);
      const [b] = select(full, path);
      expect([a.start, a.openEnd, a.closeStart, a.end]).toEqual([b.start, b.openEnd, b.closeStart, b.end]);
      if (path !== 'Server/Other') expect([a.text, a.children.length]).toEqual([b.text, b.children.length]);
    }
    expect(kept.comments).toEqual(full.comments);
    expect(kept.root.end).toBe(full.root.end);
  });

  it('keep: a big file is still checked for well-formedness inside the parts it skips', () => {
    const text = bigCarbon().replace('<Deeper a="1"/>text 7</Deep>', '<Deeper a="1">text 7</Deep>');
    expect(() => parseXml(text, 'carbon.xml', { keep: () => false })).toThrow(/malformed/);
  });

  describe('comments, as saxes reads them (the reader of every text the fast one declines)', () => {
    const lineOfError = (text: string) => {
      try {
        parseXml(text, 'x.xml');
      } catch (e) {
        return (e as { code: string; line?: number }).code + ':' + (e as { line?: number }).line;
      }
      return 'parsed';
    };

    it('finds every comment, with its offsets, and elements after it', () => {
      const text = '<?xml version="1.0"?>\n<!-- head -->\n<a>\n  <!-- one\n two --><b x="1"/>\r\n  <!---->\n  <!--- dash -->\n  <c>t</c>\n</a>\n<!-- tail -->\n';
      // saxes itself (parseXml would take its fast reader, test/xml/fast-reader.test.ts).
      const doc = parseSaxes(text, 'x.xml');
      const expected: Array<[number, number]> = [];
      // `<!--` to `-->` inclusive.
      for (let i = text.indexOf('<!--'); i !== -1; i = text.indexOf('<!--', i + 1)) expected.push([i, text.indexOf('-->', i + 4) + 3]);
      expect(doc.comments).toEqual(expected);
      expect(parseXml(text).comments).toEqual(expected);
      const b = doc.elements.find((e) => e.local === 'b')!;
      expect(text.slice(b.start, b.end)).toBe('<b x="1"/>');
      expect(b.attrs[0].valueStart).toBe(text.indexOf('"1"') + 1);
      const c = doc.elements.find((e) => e.local === 'c')!;
      expect([text.slice(c.start, c.openEnd), c.text, text.slice(c.closeStart, c.end)]).toEqual(['<c>', 't', '</c>']);
    });

    it('leaves `<!--` inside CDATA and processing instructions to saxes', () => {
      const text = '<a><![CDATA[ <!-- not a comment ]]><?pi <!-- nor this ?><b/><!-- real --></a>';
      const doc = parseSaxes(text, 'x.xml');
      expect(doc.root.text).toBe(' <!-- not a comment ');
      expect(doc.comments).toEqual([[text.indexOf('<!-- real'), text.indexOf('</a>')]]);
      expect(doc.elements.map((e) => e.local)).toEqual(['a', 'b']);
    });

    it('refuses what saxes refuses, on the line saxes names', () => {
      expect(lineOfError('<a>\n<!-- ok -->\n<!-- bad -- dash -->\n</a>')).toBe('XML_MALFORMED:3');
      expect(lineOfError('<a>\n<!-- ok\n\n -->\n<!-- ends in dash --->\n</a>')).toBe('XML_MALFORMED:5');
      expect(lineOfError('<a>\n<!-- ok\n -->\n<!-- bell \u0007 -->\n</a>')).toBe('XML_MALFORMED:4');
      expect(lineOfError('<a>\n<!-- long\n\n\n comment -->\n<b></c>\n</a>')).toBe('XML_MALFORMED:6');
      expect(lineOfError('<a><!-- never closed </a>')).toMatch(/^XML_MALFORMED/);
    });
  });
});


describe('saxes, the reader of what the fast reader declines', () => {
  afterEach(() => jest.dontMock('saxes'));

  it('is loaded on first use, not to read a WSO2 config the fast reader takes', () => {
    const carbon = readFileSync(join(FIXTURES, 'carbon-kernel-4.4.26/repository/conf/carbon.xml'), 'latin1');
    jest.isolateModules(() => {
      jest.doMock('saxes', () => {
        throw new Error('saxes loaded');
      });
      const fresh = (require('../../src/xml/document') as typeof import('../../src/xml/document')).parseXml;
      expect(fresh(carbon, 'carbon.xml').root.local).toBe('Server');
      expect(() => fresh('<a><?pi?></a>', 'x.xml')).toThrow('saxes loaded');
    });
  });
});

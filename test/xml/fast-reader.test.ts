/**
 * The fast XML reader (parseFast, src/xml/document.ts) against saxes (parseSaxes), the reference.
 * The fast reader may decline any text (saxes then reads it); what it must never do is accept a text
 * saxes refuses, or give a different view of one saxes accepts. So, for every input here:
 * - saxes refuses it  ⇒ the fast reader declines (null);
 * - the fast reader accepts it ⇒ the two views are equal in every field (offsets, names, attributes
 *   and their decoded values, text, comments, parent/children), with and without `keep`, and bare.
 * Inputs: every XML file of the fixture homes as shipped and with CRLF line ends (where it must not
 * decline: that is the speed), hand-picked edge cases, and fixture texts damaged at random (fast-check).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseFast, parseSaxes, parseXml, type ParseXmlOptions, type XmlDocument } from '../../src/xml/document';
import { FIXTURES, listFiles } from '../helpers/home';

const RUNS = Number(process.env.FC_RUNS ?? 400);

const xmlFiles = listFiles(FIXTURES).filter((f) => f.endsWith('.xml'));
const textOf = (rel: string) => readFileSync(join(FIXTURES, rel)).toString('latin1');

/** A view as plain data, elements referring to each other by index. */
function plain(doc: XmlDocument | null) {
  if (!doc) return null;
  const index = new Map(doc.elements.map((e, i) => [e, i]));
  return {
    root: index.get(doc.root),
    comments: doc.comments,
    elements: doc.elements.map((e) => ({
      ...e,
      parent: e.parent ? index.get(e.parent) : -1,
      children: e.children.map((c) => index.get(c)),
      attrs: e.attrs.map((a) => ({ ...a })),
    })),
  };
}

function saxesOrNull(text: string, keep?: ParseXmlOptions['keep'], bare = false): XmlDocument | null {
  try {
    return parseSaxes(text, 'x.xml', keep, bare);
  } catch {
    return null;
  }
}

/** The contract, for one text and one reading mode. Returns whether the fast reader accepted it. */
function agree(text: string, keep?: ParseXmlOptions['keep'], bare = false): boolean {
  const fast = parseFast(text, keep, bare);
  const ref = saxesOrNull(text, keep, bare);
  if (!ref) {
    expect({ text, fast: plain(fast) }).toEqual({ text, fast: null });
    return false;
  }
  if (fast) expect(plain(fast)).toEqual(plain(ref));
  return fast !== null;
}

/**
 * The fast reader declines `text`, which saxes reads (`saxesReads`: XML outside the part the fast
 * reader handles) or refuses.
 */
function expectDeclined(text: string, saxesReads: boolean, keep?: ParseXmlOptions['keep']): void {
  expect(parseFast(text, keep)).toBeNull();
  expect(saxesOrNull(text, keep) !== null).toBe(saxesReads);
}

const keepSecurity: ParseXmlOptions['keep'] = (p) => p[1] === 'Security' || p[1] === 'CryptoService' || p[1] === 'Service';

test('there are fixture XML files to compare on', () => {
  expect(xmlFiles.length).toBeGreaterThan(50);
});

describe.each(xmlFiles)('%s', (rel) => {
  const text = textOf(rel);
  it('reads it fast, with the same view as saxes (full, kept, bare)', () => {
    expect(agree(text)).toBe(true);
    expect(agree(text, keepSecurity)).toBe(true);
    expect(agree(text, () => false, true)).toBe(true);
  });
  it('reads it fast with CRLF line ends too', () => {
    expect(agree(text.replace(/\r?\n/g, '\r\n'))).toBe(true);
  });
});

describe('edge cases', () => {
  const accepted = [
    '<a/>',
    '<?xml version="1.0"?><a/>',
    "<?xml version='1.0' encoding='ISO-8859-1' standalone='yes' ?>\n<a/>\n",
    '<a x="1" y=\'2\'  z = "3" ></a>',
    '<a x="a\tb\r\nc&#10;d&#x9;e" y="&lt;&gt;&amp;&quot;&apos;"/>',
    '<a>x\r\ny\rz&#13;<!-- c -->w</a>',
    '<a><![CDATA[x\r\n<&>]]]]><![CDATA[>]]></a>',
    '<a>caf\u00e9 \ud83d\ude00 ]] > ]></a>',
    '<svns:a xmlns:svns="u"><svns:b/><c:d:e/></svns:a>',
    '<!-- before --><a><!----><!-- - --></a><!-- after -->\n',
    '<a x="k=v" y="x=1"/>',
    '<a><!--<!-->x<!---->y<!-- <! - -->z</a>',
    '<a b="&#233;&#x10FFFF;"/>',
  ];
  it.each(accepted)('accepts %j, as saxes reads it', (text) => {
    expect(agree(text)).toBe(true);
  });

  const refused = [
    '<a x="1" x="2"/>',
    '<a>&#0;</a>',
    '<a x="&#1;"/>',
    '<a><b x="&#xD800;"/></a>',
    '<a>]]></a>',
    '<a/>  x',
    '<a/><b/>',
    '<a><b></a></b>',
    '<a>',
    '',
    '<a><!-- x -- y --></a>',
    '<a><!-- x ---></a>',
    '<a b="&foo;"/>',
    '<a>&foo;</a>',
    '<a>& </a>',
    '<a b="<"/>',
    '<a b=1/>',
    '<a x="1"y="2"/>',
    '<a x="1" y="2" x="3"/>',
    ' <?xml version="1.0"?><a/>',
    '<a>\u0001</a>',
    '<a><![CDATA[x</a>',
    '<![CDATA[x]]><a/>',
  ];
  it.each(refused)('declines %j, which saxes refuses', (text) => expectDeclined(text, false));

  it('declines a duplicated attribute in an element outside the view too', () => {
    expectDeclined('<r><o><p x="1" y="2" x="3"/></o></r>', false, keepSecurity);
  });

  const declined = [
    '\ufeff<a/>', // a BOM
    '<?xml version="1.1"?><a/>',
    '<!DOCTYPE a><a/>',
    '<a><?pi x?></a>',
    '<é/>',
  ];
  it.each(declined)('leaves %j to saxes (outside what it reads), which reads it', (text) => expectDeclined(text, true));

  it('parseXml gives saxes\' error, line and all, for a text the fast reader declines', () => {
    expect(() => parseXml('<a>\n<b>\n</a>', 'x.xml')).toThrow(expect.objectContaining({ code: 'XML_MALFORMED', line: 3 }));
  });
});

describe('randomly damaged fixture texts', () => {
  const sources = ['carbon-kernel-4.4.26/repository/conf/carbon.xml', 'carbon-kernel-4.4.26/repository/conf/tomcat/catalina-server.xml', 'ei-6.2.0/conf/axis2/axis2.xml']
    .filter((r) => xmlFiles.includes(r))
    .map(textOf);
  // Damage goes where the markup is, so most cases reach a tag, attribute, reference or comment.
  const token = fc.constantFrom('<', '>', '/', '&', ';', '"', "'", '=', '!', '-', '--', '?', '[', ']', ']]>', '<!--', '-->', '<![CDATA[', '&amp;', '&#', '&#x', 'x', ':', ' ', '\r', '\t', '\u0000', '\u00e9', '\ud800', '</a>', '<a>', '<b/>');
  const damage = fc.array(fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.array(token, { maxLength: 3 })), { minLength: 1, maxLength: 4 });

  it('never accepts a text saxes refuses, and reads the rest the same way', () => {
    expect(sources.length).toBe(3);
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.nat({ max: sources.length - 1 }), fc.nat(), damage, (which, at, edits) => {
        const src = sources[which];
        // A window of the file keeps each case small; it starts at an element so most windows could be whole.
        const start = src.indexOf('<', at % src.length);
        let text = src.slice(start < 0 ? 0 : start, (start < 0 ? 0 : start) + 600);
        const end = text.lastIndexOf('>');
        text = `<r>${text.slice(0, end + 1)}</r>`;
        for (const [pos, del, ins] of edits) {
          const p = pos % (text.length + 1);
          text = text.slice(0, p) + ins.join('') + text.slice(p + del);
        }
        if (agree(text)) accepted++;
        else if (!saxesOrNull(text)) refused++;
        agree(text, keepSecurity);
      }),
      { numRuns: RUNS },
    );
    // Both sides of the contract were exercised.
    expect(accepted).toBeGreaterThan(RUNS / 20);
    expect(refused).toBeGreaterThan(RUNS / 5);
  });
});

/**
 * Property tests (fast-check) of the XML edit engine: parseXml (src/xml/document.ts), applyEdits
 * (src/text/patcher.ts), setElementText / setAttrValue (src/edit/xml-edit.ts) and patchCarbonXml
 * (src/edit/carbon.ts), on random well-formed documents: comments (some holding keystore blocks),
 * CDATA, processing instructions, attributes in both quotings, nested look-alike elements (a KeyStore
 * under another parent), LF or CRLF line ends, non-ASCII text.
 *
 * For a random target and a random value (with & < > " ' ]]> and non-ASCII):
 * - every character outside the edit's range is unchanged (the prefix and suffix are byte-equal);
 * - the result parses, with parseXml (its fast reader, when that takes the text), with saxes to the
 *   same view (reread), and independently with xml-js (xml2js);
 * - the value reads back equal from both parsers;
 * - comments (and the keystore blocks inside them) never change.
 */
import fc from 'fast-check';
import { xml2js, type Element as XjsElement } from 'xml-js';
import { parseSaxes, parseXml, type XmlDocument, type XmlElement } from '../../src/xml/document';
import { applyEdits } from '../../src/text/patcher';
import { setAttrValue, setElementText, type XmlEditContext } from '../../src/edit/xml-edit';
import { patchCarbonXml, readCarbonXml } from '../../src/edit/carbon';
import type { KeystoreTarget } from '../../src/edit/types';

const RUNS = Number(process.env.FC_RUNS ?? 300);

// ------------------------------------------------------------------------------------- arbitraries

/** Characters safe in XML 1.0 text once escaped: printable ASCII, Latin-1, Latin Extended, CJK, an emoji. */
const xmlChar = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.integer({ min: 0xa0, max: 0x17f }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.constantFrom('家', '鍵', 'ü', 'é', '😀', '\u00a0') },
);
const special = fc.constantFrom('&', '<', '>', '"', "'", ']]>', '&amp;', '--', '<!--', '${carbon.home}', '$$', '\\');
/** A value as a user might give it (passwords, paths, aliases): specials and non-ASCII included. */
const value = fc
  .array(fc.oneof({ weight: 3, arbitrary: xmlChar }, { weight: 1, arbitrary: special }), { maxLength: 24 })
  .map((a) => a.join(''));

/** Plain text for content: no markup characters (escaped forms are added separately). */
const plainText = fc.array(xmlChar, { maxLength: 12 }).map((a) => a.join('').replace(/[<&>]/g, ''));
/** Text safe inside a comment (no "--", cannot end with "-"). */
const commentText = plainText.map((s) => s.replace(/-/g, '_'));
const name = fc.constantFrom('KeyStore', 'Password', 'Location', 'Type', 'KeyAlias', 'Other', 'a', 'b', 'parameter', 'svns:x', 'Item');
const attrName = fc.constantFrom('name', 'port', 'keystoreFile', 'keystorePass', 'id', 'x:y', 'k');

const KEYSTORE_BLOCK = '<KeyStore><Location>old.jks</Location><Password>commented</Password></KeyStore>';

interface Gen {
  eol: '\n' | '\r\n';
}

/** A random element subtree as text. Depth-limited. */
function elementArb(g: Gen, depth: number): fc.Arbitrary<string> {
  const attrs = fc.uniqueArray(fc.tuple(attrName, plainText, fc.boolean()), { maxLength: 3, selector: (t) => t[0] }).map((as) =>
    as.map(([n, v, dq]) => (dq ? ` ${n}="${v.replace(/"/g, '')}"` : ` ${n}='${v.replace(/'/g, '')}'`)).join(''),
  );
  const leafContent = fc.oneof(
    plainText,
    plainText.map((t) => `<![CDATA[${t}<&>]]>`),
    plainText.map((t) => `${t}&amp;&lt;&gt;&quot;&apos;&#233;&#x5BB6;`),
  );
  const leaf = fc.tuple(name, attrs, leafContent, fc.boolean()).map(([n, a, c, selfClose]) => (selfClose ? `<${n}${a}/>` : `<${n}${a}>${c}</${n}>`));
  if (depth <= 0) return leaf;
  const child = fc.oneof(
    { weight: 3, arbitrary: elementArb(g, depth - 1) },
    { weight: 1, arbitrary: commentText.map((t) => `<!-- ${t} -->`) },
    { weight: 1, arbitrary: fc.constant(`<!-- ${KEYSTORE_BLOCK} -->`) },
    { weight: 1, arbitrary: fc.constant(`<?pi some data?>`) },
    { weight: 1, arbitrary: plainText.map((t) => `<![CDATA[${t}]]>`) },
  );
  const inner = fc.array(fc.tuple(child, fc.constantFrom('', ' ', `${g.eol}    `)), { maxLength: 4 }).map((cs) => cs.map(([c, ws]) => ws + c).join(''));
  return fc.oneof(
    { weight: 2, arbitrary: leaf },
    { weight: 3, arbitrary: fc.tuple(name, attrs, inner).map(([n, a, c]) => `<${n}${a}>${c}${g.eol}</${n}>`) },
  );
}

/** A whole document: XML declaration, comments and PIs before the root, random children. */
const documentArb = fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n').chain((eol) => {
  const g: Gen = { eol };
  return fc
    .tuple(
      fc.boolean(),
      fc.array(elementArb(g, 3), { minLength: 1, maxLength: 5 }),
      fc.constantFrom('', `<!-- ${KEYSTORE_BLOCK} -->${eol}`, `<?xml-stylesheet href="x"?>${eol}`),
    )
    .map(([decl, kids, pre]) =>
      [decl ? `<?xml version="1.0" encoding="UTF-8"?>${eol}` : '', pre, `<Root xmlns="urn:x">`, ...kids.map((k) => `${eol}  ${k}`), `${eol}</Root>${eol}`].join(''),
    );
});

// ---------------------------------------------------------------------------------------- helpers

/** xml-js elements in document order, with their text (text + CDATA children, decoded). */
function xjsElements(src: string): Array<{ name: string; text: string; attrs: Record<string, string> }> {
  const root = xml2js(src, { compact: false, captureSpacesBetweenElements: true }) as XjsElement;
  const out: Array<{ name: string; text: string; attrs: Record<string, string> }> = [];
  const walk = (e: XjsElement) => {
    for (const c of e.elements ?? []) {
      if (c.type === 'element') {
        const text = (c.elements ?? []).map((k) => (k.type === 'text' ? String(k.text) : k.type === 'cdata' ? String(k.cdata) : '')).join('');
        out.push({ name: String(c.name), text, attrs: (c.attributes ?? {}) as Record<string, string> });
        walk(c);
      }
    }
  };
  walk(root);
  return out;
}

const comments = (doc: XmlDocument) => doc.comments.map(([s, e]) => doc.source.slice(s, e));

function expectOnlyRangeChanged(before: string, after: string, start: number, end: number, text: string) {
  expect(after.slice(0, start)).toBe(before.slice(0, start));
  expect(after.slice(start + text.length)).toBe(before.slice(end));
  expect(after.length).toBe(before.length - (end - start) + text.length);
}

/** Walks the gaps between edits in order: each gap of `before` is copied verbatim into `after`. */
function expectGapsCopied(before: string, after: string, edits: ReadonlyArray<{ start: number; end: number; text: string }>) {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let i = 0;
  let o = 0;
  for (const e of sorted) {
    expect(after.slice(o, o + (e.start - i))).toBe(before.slice(i, e.start));
    o += e.start - i + e.text.length;
    i = e.end;
  }
  expect(after.slice(o)).toBe(before.slice(i));
}

/**
 * An edited text read back by parseXml, which takes its fast reader when it can (src/xml/document.ts):
 * saxes, the reference reader, must accept the text too and see the same elements, offsets, decoded
 * text and attribute values, and comments.
 */
function reread(text: string, file: string): XmlDocument {
  const doc = parseXml(text, file);
  const ref = parseSaxes(text, file);
  const shape = (d: XmlDocument) => ({
    comments: d.comments,
    elements: d.elements.map((e) => [e.name, e.start, e.openEnd, e.closeStart, e.end, e.text, e.attrs.map((a) => [a.name, a.value, a.valueStart, a.valueEnd])]),
  });
  expect(shape(doc)).toEqual(shape(ref));
  return doc;
}

const leaves = (doc: XmlDocument) => doc.elements.filter((e) => e.children.length === 0);

// ------------------------------------------------------------------------------------- properties

describe('XML edit engine: properties on random well-formed documents', () => {
  test('the generator makes what it says: every document parses with both parsers, and both see the same elements', () => {
    fc.assert(
      fc.property(documentArb, (src) => {
        const doc = parseXml(src, 'gen.xml');
        const xs = xjsElements(src);
        expect(doc.elements.map((e) => e.name)).toEqual(xs.map((x) => x.name));
        // XML parsers hand CRLF over as LF (XML 1.0 §2.11); compare modulo that.
        const lf = (t: string) => t.replace(/\r\n/g, '\n');
        doc.elements.forEach((e, i) => {
          if (e.children.length === 0) expect(lf(e.text)).toBe(lf(xs[i].text));
        });
      }),
      { numRuns: RUNS },
    );
  });

  test('identity: no edit gives back the same text', () => {
    fc.assert(
      fc.property(documentArb, (src) => {
        parseXml(src, 'gen.xml');
        expect(applyEdits(src, [])).toBe(src);
      }),
      { numRuns: RUNS },
    );
  });

  test.each([['utf8'], ['latin1']] as const)('setElementText (%s file): only the target range changes, both parsers read the value back', (encoding) => {
    fc.assert(
      // A Latin-1 file holds only Latin-1 characters: map the others of the generated text to '?'.
      fc.property(encoding === 'latin1' ? documentArb.map((d) => d.replace(/[^\u0000-\u00ff]/gu, '?')) : documentArb, fc.nat(), value, (src, pick, v) => {
        const doc = parseXml(src, 'gen.xml');
        const candidates = leaves(doc);
        const el = candidates[pick % candidates.length];
        const idx = doc.elements.indexOf(el);
        const ctx: XmlEditContext = { doc, encoding, file: 'gen.xml' };
        const holdsMarkup = !el.selfClosing && src.slice(el.openEnd, el.closeStart).replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').includes('<');
        if (holdsMarkup && el.text !== v) {
          // Found by this property: the whole content (comment included) used to be replaced.
          expect(() => setElementText(ctx, el, v, { setting: 'x', function: 'other' })).toThrow(expect.objectContaining({ code: 'XML_AMBIGUOUS' }));
          return;
        }
        const edit = setElementText(ctx, el, v, { setting: 'x', function: 'other' });
        if (edit === null) {
          expect(el.text).toBe(v);
          return;
        }
        const out = applyEdits(src, [edit]);
        expectOnlyRangeChanged(src, out, edit.start, edit.end, edit.text);
        // In an ISO-8859-1 file what is written must be Latin-1 (other characters become references).
        if (encoding === 'latin1') expect(edit.text).toMatch(/^[\u0000-\u00ff]*$/);
        const after = reread(out, 'gen.xml');
        expect(after.elements).toHaveLength(doc.elements.length);
        expect(after.elements[idx].name).toBe(el.name);
        expect(after.elements[idx].text).toBe(v);
        expect(xjsElements(out)[idx].text).toBe(v);
        expect(comments(after)).toEqual(comments(doc));
        // Every other element reads the same as before.
        after.elements.forEach((e, i) => {
          if (i !== idx && e.children.length === 0) expect(e.text).toBe(doc.elements[i].text);
        });
      }),
      { numRuns: RUNS },
    );
  });

  test('setAttrValue, either quoting: only the value range changes, both parsers read it back', () => {
    fc.assert(
      fc.property(documentArb, fc.nat(), fc.nat(), value, (src, pick, pickAttr, v) => {
        const doc = parseXml(src, 'gen.xml');
        const withAttrs = doc.elements.filter((e) => e.attrs.length > 0 && !e.name.includes(':') && !e.attrs.some((a) => a.name.includes(':')));
        fc.pre(withAttrs.length > 0);
        const el = withAttrs[pick % withAttrs.length];
        const a = el.attrs[pickAttr % el.attrs.length];
        const idx = doc.elements.indexOf(el);
        const edit = setAttrValue({ doc, encoding: 'utf8', file: 'gen.xml' }, a, v, { setting: 'x', function: 'other' });
        if (edit === null) return;
        const out = applyEdits(src, [edit]);
        expectOnlyRangeChanged(src, out, edit.start, edit.end, edit.text);
        expect(out[edit.start - 1]).toBe(a.quote);
        expect(out[edit.start + edit.text.length]).toBe(a.quote);
        const after = reread(out, 'gen.xml');
        expect(after.elements[idx].attrs.find((x) => x.name === a.name)?.value).toBe(v);
        expect(xjsElements(out)[idx].attrs[a.name]).toBe(v);
        expect(comments(after)).toEqual(comments(doc));
      }),
      { numRuns: RUNS },
    );
  });

  test('applyEdits: several disjoint edits at once change only their ranges', () => {
    fc.assert(
      fc.property(documentArb, fc.array(fc.tuple(fc.nat(), value), { minLength: 1, maxLength: 6 }), (src, picks) => {
        const doc = parseXml(src, 'gen.xml');
        const candidates = leaves(doc);
        const plain = candidates.filter((el) => el.selfClosing || !src.slice(el.openEnd, el.closeStart).replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').includes('<'));
        fc.pre(plain.length > 0);
        const chosen = new Map<XmlElement, string>();
        for (const [p, v] of picks) chosen.set(plain[p % plain.length], v);
        const edits = [...chosen].map(([el, v]) => setElementText({ doc, encoding: 'utf8', file: 'g' }, el, v, { setting: 'x', function: 'other' })).filter((e) => e !== null);
        const out = applyEdits(src, edits);
        expectGapsCopied(src, out, edits);
        const after = reread(out, 'gen.xml');
        for (const [el, v] of chosen) expect(after.elements[doc.elements.indexOf(el)].text).toBe(v);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------- patchCarbonXml

const fieldValue = fc.oneof(plainText, plainText.map((t) => `<![CDATA[${t}]]>`), fc.constant(''));

/** A carbon.xml-shaped document with noise, a real Security/KeyStore, look-alikes and commented copies. */
const carbonArb = fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n').chain((eol) => {
  const g: Gen = { eol };
  const noise = fc.array(
    fc.oneof(
      elementArb(g, 2),
      commentText.map((t) => `<!-- ${t} -->`),
      fc.constant(`<!--${eol}<KeyStore>${eol}  <Location>\${carbon.home}/commented.jks</Location>${eol}  <Password>inComment</Password>${eol}</KeyStore>${eol}-->`),
      fc.constant('<Other><KeyStore><Location>lookalike.jks</Location><Password>lookalike</Password><KeyAlias>la</KeyAlias></KeyStore></Other>'),
      fc.constant('<?pi data?>'),
    ),
    { maxLength: 3 },
  );
  const ws = fc.constantFrom('', ' ', `${eol}            `);
  const field = (n: string) =>
    fc.tuple(ws, fieldValue, noise, fc.boolean()).map(([w, v, nz, selfClose]) =>
      `${w}${nz.join('')}${selfClose && n !== 'Location' ? `<${n}/>` : `<${n}>${v}</${n}>`}`,
    );
  const block = fc.tuple(field('Location'), field('Type'), field('Password'), field('KeyAlias'), field('KeyPassword'), ws).map(
    (fs) => `<KeyStore>${fs.join('')}</KeyStore>`,
  );
  const trust = fc.tuple(field('Location'), field('Type'), field('Password'), ws).map((fs) => `<TrustStore>${fs.join('')}</TrustStore>`);
  return fc.tuple(noise, noise, block, trust, noise).map(
    ([n1, n2, ks, ts, n3]) =>
      `<?xml version="1.0" encoding="ISO-8859-1"?>${eol}<!-- ${KEYSTORE_BLOCK} -->${eol}` +
      `<Server xmlns="http://wso2.org/projects/carbon/carbon.xml">${eol}${n1.join(eol)}${eol}` +
      `<Security>${eol}${n2.join(eol)}${ks}${eol}${ts}${n3.join('')}${eol}</Security>${eol}</Server>${eol}`,
  );
});

const targetArb = fc
  .record({
    // Location and KeyAlias are read back trimmed (readCarbonXml), so they get no outer spaces here.
    file: fc.array(fc.oneof(xmlChar, fc.constantFrom(' ', '&', "'", '"')), { minLength: 1, maxLength: 10 }).map((a) => `f${a.join('').replace(/[/\\]/g, '_')}k`),
    type: fc.constantFrom<'JKS' | 'PKCS12'>('JKS', 'PKCS12'),
    password: value.filter((s) => s.length > 0),
    keyPassword: value.filter((s) => s.length > 0),
    alias: value.filter((s) => s.trim().length > 0).map((s) => s.trim()),
  })
  .map(
    (r): KeystoreTarget => ({
      name: 'newks',
      absPath: `/opt/wso2/repository/resources/security/${r.file}.jks`,
      homeRelPath: `repository/resources/security/${r.file}.jks`,
      type: r.type,
      password: r.password,
      keyPassword: r.keyPassword,
      alias: r.alias,
    }),
  );

describe('patchCarbonXml: properties on random carbon.xml-shaped documents', () => {
  test('primary and truststore: only Security/KeyStore and Security/TrustStore values change; look-alikes and comments never', () => {
    fc.assert(
      fc.property(carbonArb, targetArb, targetArb, (src, primary, trust) => {
        const doc = parseXml(src, 'carbon.xml');
        const blocks = doc.elements.filter((e) => (e.local === 'KeyStore' || e.local === 'TrustStore') && e.parent?.local === 'Security');
        const fields = ['Location', 'Type', 'Password', 'KeyAlias', 'KeyPassword'];
        const twice = blocks.filter((b) => b.local === 'KeyStore').length > 1;
        const set = (b: XmlElement) => (b.local === 'KeyStore' ? fields : fields.slice(0, 3)); // a TrustStore has no key
        if (twice || blocks.some((b) => set(b).some((f) => b.children.filter((c) => c.local === f).length > 1))) {
          // The noise put a second <Location> (say) into a block: that must be refused, not guessed.
          expect(() => patchCarbonXml({ doc, encoding: 'latin1', file: 'carbon.xml' }, { primary, truststore: trust })).toThrow(
            expect.objectContaining({ code: 'XML_AMBIGUOUS' }),
          );
          return;
        }
        const r = patchCarbonXml({ doc, encoding: 'latin1', file: 'carbon.xml' }, { primary, truststore: trust });
        const out = applyEdits(src, r.edits);
        // Each edit lies inside the real KeyStore/TrustStore block and outside every comment.
        const [ks] = doc.elements.filter((e) => e.local === 'KeyStore' && e.parent?.local === 'Security');
        const [ts] = doc.elements.filter((e) => e.local === 'TrustStore');
        for (const e of r.edits) {
          const inKs = e.start >= ks.openEnd && e.end <= ks.closeStart;
          const inTs = e.start >= ts.openEnd && e.end <= ts.closeStart;
          expect(inKs || inTs).toBe(true);
          for (const [cs, ce] of doc.comments) expect(e.end <= cs || e.start >= ce).toBe(true);
        }
        expectGapsCopied(src, out, r.edits);
        // The file stays ISO-8859-1 bytes; both parsers accept it; values read back.
        for (const e of r.edits) expect(e.text).toMatch(/^[\u0000-\u00ff]*$/);
        const after = reread(out, 'carbon.xml');
        const read = readCarbonXml(after);
        expect(read.primary?.location).toBe(`\${carbon.home}/${primary.homeRelPath}`);
        expect(read.primary?.password).toBe(primary.password);
        expect(read.primary?.alias).toBe(primary.alias);
        expect(read.primary?.keyPassword).toBe(primary.keyPassword);
        expect(read.primary?.type).toBe(primary.type);
        expect(read.truststore?.password).toBe(trust.password);
        expect(read.truststore?.location).toBe(`\${carbon.home}/${trust.homeRelPath}`);
        const xs = xjsElements(out);
        const idx = (el: XmlElement) => after.elements.indexOf(el);
        const ksAfter = after.elements.find((e) => e.local === 'KeyStore' && e.parent?.local === 'Security')!;
        const pw = ksAfter.children.find((c) => c.local === 'Password')!;
        expect(xs[idx(pw)].text).toBe(primary.password);
        // Comments (with their keystore blocks) and look-alikes are untouched.
        expect(comments(after)).toEqual(comments(doc));
        const look = (d: XmlDocument) => d.elements.filter((e) => e.local === 'KeyStore' && e.parent?.local === 'Other').map((e) => d.source.slice(e.start, e.end));
        expect(look(after)).toEqual(look(doc));
      }),
      { numRuns: RUNS },
    );
  });
});

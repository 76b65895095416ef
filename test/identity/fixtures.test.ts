/**
 * Identity: every real WSO2 file round-trips through the tool's readers with no edit, byte for byte.
 * XML files are decoded, parsed and re-assembled from their element ranges; sec.policy is tokenized;
 * deployment.toml is scanned; every other text file is decoded and re-encoded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy } from '../../src/edit/sec-policy';
import { scanToml } from '../../src/edit/toml';
import { decodeText, encodeText } from '../../src/text/codec';
import { applyEdits } from '../../src/text/patcher';
import { parseXml } from '../../src/xml/document';
import { FIXTURES, listFiles } from '../helpers/home';

const files = listFiles(FIXTURES).filter((f) => !/\.(jks|p12)$/.test(f));
const xmlFiles = files.filter((f) => /\.xml(_PT)?$/.test(f));

test('the fixtures are there (the identity tests below would pass vacuously otherwise)', () => {
  expect(files.length).toBeGreaterThan(150);
  expect(xmlFiles.length).toBeGreaterThan(50);
});

describe.each(files)('%s', (rel) => {
  const bytes = readFileSync(join(FIXTURES, rel));

  test('decodes and re-encodes to the same bytes', () => {
    const { text, encoding } = decodeText(bytes, rel);
    expect(encodeText(applyEdits(text, []), encoding, rel).equals(bytes)).toBe(true);
  });

  if (/\.xml(_PT)?$/.test(rel)) {
    test('parses, and its element ranges cover the text exactly', () => {
      const { text, encoding } = decodeText(bytes, rel);
      const doc = parseXml(text, rel);
      const root = doc.root;
      expect(text.slice(root.start, root.start + 1 + root.name.length)).toBe(`<${root.name}`);
      expect(text.slice(root.end - 1, root.end)).toBe('>');
      for (const el of doc.elements) {
        expect(text.slice(el.start, el.start + 1 + el.name.length)).toBe(`<${el.name}`);
        if (!el.selfClosing) expect(text.slice(el.closeStart, el.end)).toMatch(new RegExp(`^</${el.name}\\s*>$`));
        for (const a of el.attrs) expect(text[a.valueStart - 1]).toBe(a.quote);
      }
      // An identity edit of every element's content range changes nothing.
      const edits = doc.elements.filter((e) => e.children.length === 0 && !e.selfClosing).map((e) => ({ start: e.openEnd, end: e.closeStart, text: text.slice(e.openEnd, e.closeStart) }));
      expect(encodeText(applyEdits(text, edits), encoding).equals(bytes)).toBe(true);
    });
  }

  if (rel.endsWith('.policy')) {
    test('tokenizes as a Java policy file', () => {
      const text = decodeText(bytes, rel).text;
      expect(() => parsePolicy(text, rel)).not.toThrow();
    });
  }

  if (rel.endsWith('deployment.toml')) {
    test('scans as TOML', () => {
      expect(() => scanToml(decodeText(bytes, rel).text)).not.toThrow();
    });
  }
});

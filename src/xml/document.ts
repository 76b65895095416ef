/**
 * A read-only, position-aware view of an XML file: every element with the exact string offsets of its
 * tags, attribute values and content, so patchers can replace just those ranges.
 *
 * saxes does the parsing (and the well-formedness checks). It reports `position` as the offset just
 * after the character that completed an event, in UTF-16 code units; tag starts are found from there,
 * because `<` cannot appear inside a well-formed tag. Elements inside comments are never elements.
 *
 * Not handled, on purpose: DOCTYPEs that declare entities (an "XML bomb" vector, and never seen in
 * WSO2 configs) are refused; external entities are never fetched.
 */
import { SaxesParser } from 'saxes';
import { KsError } from '../errors';
import { lineIndex } from '../text/patcher';

export interface XmlAttr {
  name: string;
  /** Decoded value. */
  value: string;
  /** Offsets of the raw value, inside the quotes. */
  valueStart: number;
  valueEnd: number;
  quote: '"' | "'";
  /** Offset of the attribute's name (start of `name="…"`). */
  start: number;
}

export interface XmlElement {
  /** The qualified name as written (`svns:secretAlias` style prefixes kept). */
  name: string;
  /** The name without a prefix. */
  local: string;
  parent: XmlElement | null;
  children: XmlElement[];
  attrs: XmlAttr[];
  /** Offset of `<`. */
  start: number;
  /** Offset just after the start tag's `>`. */
  openEnd: number;
  /** Offset of `</` (equals openEnd for a self-closing element). */
  closeStart: number;
  /** Offset just after the end tag's `>`. */
  end: number;
  selfClosing: boolean;
  /** Decoded text content (text and CDATA, concatenated); '' when there is none. */
  text: string;
}

export interface XmlDocument {
  source: string;
  root: XmlElement;
  /** Every element, in document order. */
  elements: XmlElement[];
  /** `[start, end)` of every comment, in document order. */
  comments: Array<[number, number]>;
  /** 1-based line of an offset. */
  lineOf(offset: number): number;
}

const ATTR_RE = /([^\s=/<>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function parseXml(source: string, file?: string): XmlDocument {
  if (/<!DOCTYPE[^>[]*\[[^\]]*<!ENTITY/i.test(source.slice(0, 65536))) {
    throw new KsError('XML_MALFORMED', 'the file declares XML entities in a DOCTYPE, which this tool refuses to expand', {
      file,
      hint: 'WSO2 config files never need entity declarations; remove the DOCTYPE or fix the file by hand.',
    });
  }
  const parser = new SaxesParser({ position: true });
  const elements: XmlElement[] = [];
  const stack: XmlElement[] = [];
  const comments: Array<[number, number]> = [];
  let root: XmlElement | null = null;
  let failure: Error | null = null;

  parser.on('error', (err) => {
    if (!failure) failure = err;
  });
  parser.on('opentag', (tag) => {
    const openEnd = parser.position;
    const start = source.lastIndexOf('<', openEnd - 1);
    const local = tag.name.includes(':') ? tag.name.slice(tag.name.indexOf(':') + 1) : tag.name;
    const el: XmlElement = {
      name: tag.name,
      local,
      parent: stack.length ? stack[stack.length - 1] : null,
      children: [],
      attrs: [],
      start,
      openEnd,
      closeStart: openEnd,
      end: openEnd,
      selfClosing: tag.isSelfClosing,
      text: '',
    };
    const tagSrc = source.slice(start + 1 + tag.name.length, openEnd);
    const base = start + 1 + tag.name.length;
    ATTR_RE.lastIndex = 0;
    for (let m = ATTR_RE.exec(tagSrc); m; m = ATTR_RE.exec(tagSrc)) {
      const quote = m[2] !== undefined ? '"' : "'";
      const raw = m[2] ?? m[3] ?? '';
      const valueStart = base + m.index + m[0].length - raw.length - 1;
      const decoded = (tag.attributes as Record<string, string>)[m[1]];
      el.attrs.push({ name: m[1], value: decoded ?? raw, valueStart, valueEnd: valueStart + raw.length, quote, start: base + m.index });
    }
    if (el.parent) el.parent.children.push(el);
    else root = el;
    elements.push(el);
    if (!tag.isSelfClosing) stack.push(el);
  });
  parser.on('comment', () => {
    const end = parser.position;
    comments.push([source.lastIndexOf('<!--', end - 1), end]);
  });
  parser.on('text', (t) => {
    if (stack.length) stack[stack.length - 1].text += t;
  });
  parser.on('cdata', (t) => {
    if (stack.length) stack[stack.length - 1].text += t;
  });
  parser.on('closetag', (tag) => {
    const end = parser.position;
    if (tag.isSelfClosing) {
      const el = elements[elements.length - 1];
      el.end = end;
      return;
    }
    const el = stack.pop();
    if (!el) return;
    el.end = end;
    el.closeStart = source.lastIndexOf('</', end - 1);
  });

  try {
    parser.write(source).close();
  } catch (e) {
    failure = failure ?? (e as Error);
  }
  if (failure || !root) {
    const msg = failure ? (failure as Error).message : 'no root element';
    const m = /^(?:[^:]*:)?(\d+):(\d+): (.*)$/s.exec(msg);
    throw new KsError('XML_MALFORMED', `malformed XML: ${m ? m[3] : msg}`, {
      file,
      line: m ? Number(m[1]) : undefined,
      hint: 'The server could not read this file either. Fix it (or restore it from a backup) and run again.',
    });
  }
  let lines: ((o: number) => number) | null = null;
  return {
    source,
    root,
    elements,
    comments,
    lineOf(offset: number) {
      lines = lines ?? lineIndex(source);
      return lines(offset);
    },
  };
}

/** Children of `el` with the given local name. */
export function childrenNamed(el: XmlElement, local: string): XmlElement[] {
  return el.children.filter((c) => c.local === local);
}

/** Elements reached from the root by local names: `select(doc, 'Server/Security/KeyStore')`. */
export function select(doc: XmlDocument, path: string): XmlElement[] {
  const parts = path.split('/');
  if (doc.root.local !== parts[0]) return [];
  let current = [doc.root];
  for (const p of parts.slice(1)) current = current.flatMap((e) => childrenNamed(e, p));
  return current;
}

/** Descendants of `el` (or of the root) by local name, in document order. */
export function descendants(doc: XmlDocument, local: string, within?: XmlElement): XmlElement[] {
  const lo = within ? within.start : -1;
  const hi = within ? within.end : Infinity;
  return doc.elements.filter((e) => e.local === local && e.start > lo && e.end <= hi && e !== within);
}

export function attr(el: XmlElement, name: string): XmlAttr | undefined {
  return el.attrs.find((a) => a.name === name);
}

/**
 * Path of local names from the root, for messages: `Server/Security/KeyStore/Location`. With
 * `named`, elements that carry a name attribute show it: `transportReceiver[https]/parameter[keystore]`.
 */
export function pathOf(el: XmlElement, named = false): string {
  const names: string[] = [];
  for (let e: XmlElement | null = el; e; e = e.parent) {
    const n = named ? e.attrs.find((a) => a.name === 'name')?.value : undefined;
    names.unshift(n ? `${e.local}[${n}]` : e.local);
  }
  return names.join('/');
}

/** True when the offset lies inside a comment. */
export function inComment(doc: XmlDocument, offset: number): boolean {
  let lo = 0;
  let hi = doc.comments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [s, e] = doc.comments[mid];
    if (offset < s) hi = mid - 1;
    else if (offset >= e) lo = mid + 1;
    else return true;
  }
  return false;
}

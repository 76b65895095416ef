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

export interface ParseXmlOptions {
  /**
   * The elements the caller needs, by their path of local names from the root (`['Server',
   * 'Security', 'KeyStore']`); asked once per element whose parent is kept. An element that is not
   * kept is left out of the view with everything inside it (its text is never collected), which is
   * what keeps a 100 MB file's view small. The root and its direct children are always in the view
   * (for indentation, duplicates and the end tag), but a child of the root that is not kept has no
   * children and no text there. Well-formedness is checked over the whole file all the same.
   *
   * A hint, not a filter: the view may hold more (a file small enough for the cache is parsed in
   * full, once, and that view is shared by every later caller).
   */
  keep?: (path: readonly string[]) => boolean;
}

/**
 * One run parses the same text from several layers (the planner reads and patches a file, the
 * masker diffs it, the reference scan classifies it): a view is immutable, so each text is parsed
 * once and its view shared. Keyed by the text itself (not the path: a file's text is what the view
 * describes), least recently used first out; texts over CACHE_MAX_CHARS are never held, so a huge
 * file's view is freed as soon as its caller is done with it.
 */
const CACHE_MAX_ENTRIES = 48;
const CACHE_MAX_CHARS = 2 << 20;
const cache = new Map<string, XmlDocument>();

export function parseXml(source: string, file?: string, opts: ParseXmlOptions = {}): XmlDocument {
  const cacheable = source.length <= CACHE_MAX_CHARS;
  if (cacheable) {
    const hit = cache.get(source);
    if (hit) {
      cache.delete(source);
      cache.set(source, hit);
      return hit;
    }
  }
  const doc = parseUncached(source, file, cacheable ? undefined : opts.keep);
  if (cacheable) {
    cache.set(source, doc);
    if (cache.size > CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  }
  return doc;
}

/**
 * Check that a text is well-formed XML, with the same errors as parseXml. A text small enough for
 * the cache is parsed in full (the next reader of it, e.g. the masker, gets the view for free); a
 * bigger one builds no view at all, so checking an edited 100 MB file costs no memory beyond saxes'.
 */
export function checkXml(source: string, file?: string): void {
  if (source.length <= CACHE_MAX_CHARS) parseXml(source, file);
  else parseUncached(source, file, () => false, true);
}

/**
 * Comment bodies are most of a WSO2 config's bytes (axis2.xml: ~80%), and saxes reads them one
 * character at a time, which is slow in a fresh process (its state machine runs in the interpreter
 * until V8 optimises it). So the text goes to saxes in pieces: wherever saxes itself is in its
 * comment state right after a `<!--` (not inside CDATA, a PI or a DOCTYPE: saxes decides), the
 * body is checked here with native string search and regexes, for exactly what saxes would refuse
 * in it (`--`, a character XML 1.0 does not allow), and skipped; saxes then reads the `-->`.
 * Offsets are saxes' position plus the characters skipped so far. Anything unusual (a body saxes
 * would refuse, an XML 1.1 document, any error) parses again the plain way, so errors and their
 * line numbers are saxes' own.
 */
const COMMENT_STATE = ((): number | undefined => {
  const probe = new SaxesParser();
  probe.write('<a><!--');
  const state = (probe as unknown as { state?: unknown }).state;
  return typeof state === 'number' ? state : undefined;
})();
const parserState = (p: SaxesParser): unknown => (p as unknown as { state?: unknown }).state;
// eslint-disable-next-line no-control-regex
const BAD_COMMENT_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const XML_1_1 = /^\uFEFF?<\?xml[^>]*version\s*=\s*["']1\.1/;

function parseUncached(source: string, file: string | undefined, keep: ParseXmlOptions['keep'], bare = false, skipComments = true): XmlDocument {
  if (/<!DOCTYPE[^>[]*\[[^\]]*<!ENTITY/i.test(source.slice(0, 65536))) {
    throw new KsError('XML_MALFORMED', 'the file declares XML entities in a DOCTYPE, which this tool refuses to expand', {
      file,
      hint: 'WSO2 config files never need entity declarations; remove the DOCTYPE or fix the file by hand.',
    });
  }
  const parser = new SaxesParser({ position: true });
  // Characters of comment bodies not given to saxes, before its current position.
  let skippedChars = 0;
  const position = () => parser.position + skippedChars;
  const elements: XmlElement[] = [];
  const stack: XmlElement[] = [];
  const comments: Array<[number, number]> = [];
  let root: XmlElement | null = null;
  let failure: Error | null = null;
  // Inside an element that is not kept: how deep (0 = not inside one).
  let skipped = 0;
  // A child of the root that is in the view without its content (not kept).
  let opaque: XmlElement | null = null;
  const path: string[] = [];

  parser.on('error', (err) => {
    if (!failure) failure = err;
  });
  parser.on('opentag', (tag) => {
    // Every open tag gets a close tag event, a self-closing one too: count both the same way.
    if (skipped) {
      skipped++;
      return;
    }
    if (opaque || (bare && stack.length)) {
      // Only reached for opaque's own children (anything deeper is inside a skipped one), or the root's in a bare check.
      skipped = 1;
      return;
    }
    const local = tag.name.includes(':') ? tag.name.slice(tag.name.indexOf(':') + 1) : tag.name;
    if (keep && stack.length >= 2) {
      path.length = stack.length;
      path.push(local);
      if (!keep(path)) {
        skipped = 1;
        return;
      }
    }
    const openEnd = position();
    const start = source.lastIndexOf('<', openEnd - 1);
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
    if (!tag.isSelfClosing) {
      stack.push(el);
      if (keep) {
        path[stack.length - 1] = local;
        if (stack.length === 2 && !keep(path.slice(0, 2))) opaque = el;
      }
    }
  });
  parser.on('comment', () => {
    if (bare) return;
    const end = position();
    comments.push([source.lastIndexOf('<!--', end - 1), end]);
  });
  parser.on('text', (t) => {
    if (stack.length && !skipped && !opaque && !bare) stack[stack.length - 1].text += t;
  });
  parser.on('cdata', (t) => {
    if (stack.length && !skipped && !opaque && !bare) stack[stack.length - 1].text += t;
  });
  parser.on('closetag', (tag) => {
    if (skipped) {
      skipped--;
      return;
    }
    const end = position();
    if (tag.isSelfClosing) {
      const el = elements[elements.length - 1];
      el.end = end;
      return;
    }
    const el = stack.pop();
    if (!el) return;
    if (el === opaque) opaque = null;
    el.end = end;
    el.closeStart = source.lastIndexOf('</', end - 1);
  });

  try {
    let at = 0;
    if (skipComments && COMMENT_STATE !== undefined && !XML_1_1.test(source.slice(0, 200))) {
      for (let open = source.indexOf('<!--'); open !== -1 && !failure; open = source.indexOf('<!--', at)) {
        const body = open + 4;
        parser.write(source.slice(at, body));
        at = body;
        if (parserState(parser) !== COMMENT_STATE) continue; // `<!--` inside CDATA, a PI, …: saxes reads on
        const close = source.indexOf('--', body);
        // A body saxes would refuse: let it read this one, and the rest, itself.
        if (close === -1 || source.charCodeAt(close + 2) !== 0x3e || BAD_COMMENT_CHAR.test(source.slice(body, close))) break;
        skippedChars += close - body;
        at = close;
      }
    }
    parser.write(source.slice(at)).close();
  } catch (e) {
    failure = failure ?? (e as Error);
  }
  if ((failure || !root) && skippedChars > 0) return parseUncached(source, file, keep, bare, false);
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

/**
 * A read-only, position-aware view of an XML file: every element with the exact string offsets of its
 * tags, attribute values and content, so patchers can replace just those ranges.
 *
 * Two readers build the same view (ViewBuilder): a fast one (parseFast) for the plain XML that WSO2
 * configs are written in, and saxes (parseSaxes), the reference, for everything the fast one declines,
 * malformed text included, so errors are always saxes' own. saxes reports `position` as the offset
 * just after the character that completed an event, in UTF-16 code units; tag starts are found from
 * there, because `<` cannot appear inside a well-formed tag. Elements inside comments are never elements.
 *
 * Not handled, on purpose: DOCTYPEs that declare entities (an "XML bomb" vector, and never seen in
 * WSO2 configs) are refused; external entities are never fetched.
 */
import type { SaxesParser } from 'saxes';
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
  /** `[start, end)` of every comment, `<!--` to `-->` inclusive, in document order. */
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

/**
 * Whether a config file is XML: by its name (`.xml`, or a copy such as APIM's `axis2.xml_PT`) or by
 * an XML declaration at its start. The one test for the reference scan and the diff's masking.
 */
export const isXmlFile = (file: string, text: string): boolean => /\.xml(_\w+)?$/i.test(file) || /^\uFEFF?\s*<\?xml/.test(text.slice(0, 200));

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

/** saxes, loaded on first use: the fast reader below takes every fixture file, so most runs never need it. */
let saxesParser: typeof SaxesParser | undefined;
const loadSaxes = (): typeof SaxesParser => (saxesParser ??= (require('saxes') as typeof import('saxes')).SaxesParser);
/** Characters XML 1.0 does not allow anywhere, and lone surrogates. */
// eslint-disable-next-line no-control-regex
const BAD_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function parseUncached(source: string, file: string | undefined, keep: ParseXmlOptions['keep'], bare = false): XmlDocument {
  if (/<!DOCTYPE[^>[]*\[[^\]]*<!ENTITY/i.test(source.slice(0, 65536))) {
    throw new KsError('XML_MALFORMED', 'the file declares XML entities in a DOCTYPE, which this tool refuses to expand', {
      file,
      hint: 'WSO2 config files never need entity declarations; remove the DOCTYPE or fix the file by hand.',
    });
  }
  return parseFast(source, keep, bare) ?? parseSaxes(source, file, keep, bare);
}

/**
 * Builds the view from parse events, the same way for both readers below, so the view cannot depend
 * on which one read the text. Events come in document order: `open` for every start tag (a
 * self-closing one too, then `close`), `close` for every end tag, `comment`, and `text` for character
 * data and CDATA (already decoded).
 */
class ViewBuilder {
  readonly elements: XmlElement[] = [];
  readonly comments: Array<[number, number]> = [];
  root: XmlElement | null = null;
  private readonly stack: XmlElement[] = [];
  // Inside an element that is not kept: how deep (0 = not inside one).
  private skipped = 0;
  // A child of the root that is in the view without its content (not kept).
  private opaque: XmlElement | null = null;
  private readonly path: string[] = [];

  constructor(
    private readonly source: string,
    private readonly keep: ParseXmlOptions['keep'],
    private readonly bare: boolean,
  ) {}

  /** Whether the next `text` would be kept (callers skip decoding text nobody keeps). */
  get wantsText(): boolean {
    return this.stack.length > 0 && !this.skipped && !this.opaque && !this.bare;
  }

  /**
   * The element a start tag opens, or null when it is not in the view. The reader then fills the
   * element's attributes (readAttrs), so a tag outside the view is never searched for them.
   */
  open(name: string, selfClosing: boolean, start: number, openEnd: number): XmlElement | null {
    const { stack, keep, path } = this;
    // Every open tag gets a close tag event, a self-closing one too: count both the same way.
    if (this.skipped) {
      this.skipped++;
      return null;
    }
    if (this.opaque || (this.bare && stack.length)) {
      // Only reached for opaque's own children (anything deeper is inside a skipped one), or the root's in a bare check.
      this.skipped = 1;
      return null;
    }
    const local = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
    if (keep && stack.length >= 2) {
      path.length = stack.length;
      path.push(local);
      if (!keep(path)) {
        this.skipped = 1;
        return null;
      }
    }
    const el: XmlElement = {
      name,
      local,
      parent: stack.length ? stack[stack.length - 1] : null,
      children: [],
      attrs: [],
      start,
      openEnd,
      closeStart: openEnd,
      end: openEnd,
      selfClosing,
      text: '',
    };
    if (el.parent) el.parent.children.push(el);
    else this.root = el;
    this.elements.push(el);
    if (!selfClosing) {
      stack.push(el);
      if (keep) {
        path[stack.length - 1] = local;
        if (stack.length === 2 && !keep(path.slice(0, 2))) this.opaque = el;
      }
    }
    return el;
  }

  close(selfClosing: boolean, end: number): void {
    if (this.skipped) {
      this.skipped--;
      return;
    }
    if (selfClosing) {
      this.elements[this.elements.length - 1].end = end;
      return;
    }
    const el = this.stack.pop();
    if (!el) return;
    if (el === this.opaque) this.opaque = null;
    el.end = end;
    el.closeStart = this.source.lastIndexOf('</', end - 1);
  }

  comment(start: number, end: number): void {
    if (!this.bare) this.comments.push([start, end]);
  }

  text(t: string): void {
    if (this.wantsText) this.stack[this.stack.length - 1].text += t;
  }

  done(): XmlDocument | null {
    const { root, source } = this;
    if (!root) return null;
    let lines: ((o: number) => number) | null = null;
    return {
      source,
      root,
      elements: this.elements,
      comments: this.comments,
      lineOf(offset: number) {
        lines = lines ?? lineIndex(source);
        return lines(offset);
      },
    };
  }
}

/**
 * Fills `el.attrs` from its start tag's text; `value(name, raw)` gives an attribute's decoded value.
 * False when a name comes twice (which saxes refuses; the fast reader then declines the text).
 */
function readAttrs(source: string, el: XmlElement, value: (name: string, raw: string) => string): boolean {
  const base = el.start + 1 + el.name.length;
  const tagSrc = source.slice(base, el.openEnd);
  ATTR_RE.lastIndex = 0;
  for (let m = ATTR_RE.exec(tagSrc); m; m = ATTR_RE.exec(tagSrc)) {
    if (el.attrs.some((a) => a.name === m![1])) return false;
    const quote = m[2] !== undefined ? '"' : "'";
    const raw = m[2] ?? m[3] ?? '';
    const valueStart = base + m.index + m[0].length - raw.length - 1;
    el.attrs.push({ name: m[1], value: value(m[1], raw), valueStart, valueEnd: valueStart + raw.length, quote, start: base + m.index });
  }
  return true;
}

/**
 * The reference reader: saxes, which checks well-formedness in full and whose errors (with line
 * numbers) are what the user sees. It runs when the fast reader below declines a text.
 */
export function parseSaxes(source: string, file: string | undefined, keep?: ParseXmlOptions['keep'], bare = false): XmlDocument {
  const Parser = loadSaxes();
  const parser = new Parser({ position: true });
  const view = new ViewBuilder(source, keep, bare);
  let failure: Error | null = null;

  parser.on('error', (err) => {
    if (!failure) failure = err;
  });
  parser.on('opentag', (tag) => {
    const openEnd = parser.position;
    const attributes = tag.attributes as Record<string, string>;
    const el = view.open(tag.name, tag.isSelfClosing, source.lastIndexOf('<', openEnd - 1), openEnd);
    if (el) readAttrs(source, el, (name, raw) => attributes[name] ?? raw);
  });
  parser.on('comment', () => {
    // saxes reports a comment at its closing `--`; the `>` that must follow is part of it. Its `<!--`
    // cannot overlap the `-->` (`<!-->` opens a comment), and the body holds no other `<!--` (no `--`).
    const end = parser.position + 1;
    view.comment(source.lastIndexOf('<!--', end - 7), end);
  });
  parser.on('text', (t) => view.text(t));
  parser.on('cdata', (t) => view.text(t));
  parser.on('closetag', (tag) => view.close(tag.isSelfClosing, parser.position));

  try {
    parser.write(source).close();
  } catch (e) {
    failure = failure ?? (e as Error);
  }
  const doc = failure ? null : view.done();
  if (!doc) {
    const msg = failure ? (failure as Error).message : 'no root element';
    const m = /^(?:[^:]*:)?(\d+):(\d+): (.*)$/s.exec(msg);
    throw new KsError('XML_MALFORMED', `malformed XML: ${m ? m[3] : msg}`, {
      file,
      line: m ? Number(m[1]) : undefined,
      hint: 'The server could not read this file either. Fix it (or restore it from a backup) and run again.',
    });
  }
  return doc;
}

/*
 * The fast reader. saxes reads one character at a time through a state machine, which in a fresh
 * process (one CLI run) runs in V8's interpreter for most of a config file: ~35 ms of a `scan` of a
 * home, ~40 ms of a six-function dry run (docs/performance.md). WSO2 config files use a small, plain
 * part of XML: an XML declaration, elements with ASCII names, quoted attributes, comments, text with
 * the five predefined entities and character references, now and then CDATA. This reader handles
 * exactly that part with native string search and sticky regexes, and gives up (returns null) on
 * anything else, and on anything that is not well-formed: then saxes reads the text, and either
 * accepts it (the same view: both feed ViewBuilder) or reports the error in its own words.
 *
 * So the one thing this reader must never do is accept a text saxes refuses, or read one differently.
 * test/xml/fast-reader.test.ts compares the two on every fixture file and on randomly damaged ones.
 */
const NAME = '[A-Za-z_:][-A-Za-z0-9._:]*';
const WS = '[ \\t\\r\\n]';
const START_TAG = new RegExp(`<(${NAME})((?:${WS}+${NAME}${WS}*=${WS}*(?:"[^<"]*"|'[^<']*'))*)${WS}*(/?)>`, 'y');
const END_TAG = new RegExp(`</(${NAME})${WS}*>`, 'y');
const XML_DECL = new RegExp(
  `<\\?xml${WS}+version${WS}*=${WS}*(["'])1\\.0\\1(?:${WS}+encoding${WS}*=${WS}*(["'])[A-Za-z][-A-Za-z0-9._]*\\2)?(?:${WS}+standalone${WS}*=${WS}*(["'])(?:yes|no)\\3)?${WS}*\\?>`,
  'y',
);
/** An `&` that does not start one of the references the reader decodes (an entity saxes may still know, or an error). */
const BAD_AMP = /&(?!(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;
const REF = /&(?:(lt|gt|amp|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ONLY_SPACE = /^[ \t\r\n]*$/;

function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/** Decodes character data or an attribute value (`attr`: literal tabs and newlines become spaces, as XML says); null when the reader should give up. */
function decode(raw: string, attr: boolean): string | null {
  let s = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  if (attr && /[\t\n]/.test(s)) s = s.replace(/[\t\n]/g, ' ');
  if (!s.includes('&')) return s;
  if (BAD_AMP.test(s)) return null;
  let ok = true;
  s = s.replace(REF, (_, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (named) return PREDEFINED[named];
    const code = dec !== undefined ? Number(dec) : parseInt(hex as string, 16);
    if (!isXmlChar(code)) {
      ok = false;
      return '';
    }
    return String.fromCodePoint(code);
  });
  return ok ? s : null;
}

/**
 * Whether no attribute name comes twice in a start tag's attributes (already matched by START_TAG),
 * read with readAttrs' ATTR_RE; only names are read.
 */
function distinctAttrNames(attrs: string): boolean {
  ATTR_RE.lastIndex = 0;
  const first = ATTR_RE.exec(attrs);
  if (!first || ATTR_RE.lastIndex >= attrs.length) return true; // one attribute
  const seen = new Set([first[1]]);
  for (let a = ATTR_RE.exec(attrs); a; a = ATTR_RE.exec(attrs)) {
    if (seen.has(a[1])) return false;
    seen.add(a[1]);
  }
  return true;
}

export function parseFast(source: string, keep?: ParseXmlOptions['keep'], bare = false): XmlDocument | null {
  // One pass of native regex for characters XML 1.0 does not allow anywhere (and lone surrogates).
  if (BAD_CHAR.test(source)) return null;
  const view = new ViewBuilder(source, keep, bare);
  const names: string[] = []; // open elements' names, innermost last (kept or not)
  const len = source.length;
  let pos = 0;
  // The next `&` and `]]>` at or after the text being read (-1: none left), found once each so the
  // reading stays linear in the text's length (a 100 MB file may hold few of either).
  let nextAmp = source.indexOf('&');
  let nextCdEnd = source.indexOf(']]>');
  // Called only for attributes of a tag whose references were all checked (below).
  const attrValue = (_: string, raw: string): string => decode(raw, true) as string;

  if (source.startsWith('<?xml')) {
    XML_DECL.lastIndex = 0;
    if (!XML_DECL.test(source)) return null;
    pos = XML_DECL.lastIndex;
  }
  while (pos < len) {
    const lt = source.indexOf('<', pos);
    const textEnd = lt === -1 ? len : lt;
    if (textEnd > pos) {
      if (!names.length) {
        // Outside the root only white space may stand.
        if (!ONLY_SPACE.test(source.slice(pos, textEnd))) return null;
      } else {
        if (nextAmp !== -1 && nextAmp < pos) nextAmp = source.indexOf('&', pos);
        if (nextCdEnd !== -1 && nextCdEnd < pos) nextCdEnd = source.indexOf(']]>', pos);
        if (nextCdEnd !== -1 && nextCdEnd < textEnd) return null; // `]]>` is not allowed in text
        // Text nobody keeps is decoded only to check its references.
        if (view.wantsText || (nextAmp !== -1 && nextAmp < textEnd)) {
          const t = decode(source.slice(pos, textEnd), false);
          if (t === null) return null;
          view.text(t);
        }
      }
    }
    if (lt === -1) break;
    const next = source.charCodeAt(lt + 1);
    if (next === 0x2f /* / */) {
      END_TAG.lastIndex = lt;
      const m = END_TAG.exec(source);
      if (!m || m[1] !== names[names.length - 1]) return null;
      names.pop();
      pos = END_TAG.lastIndex;
      view.close(false, pos);
    } else if (next === 0x21 /* ! */) {
      if (source.startsWith('<!--', lt)) {
        const close = source.indexOf('--', lt + 4);
        if (close === -1 || source.charCodeAt(close + 2) !== 0x3e) return null;
        pos = close + 3;
        view.comment(lt, pos);
      } else if (source.startsWith('<![CDATA[', lt) && names.length) {
        const close = source.indexOf(']]>', lt + 9);
        if (close === -1) return null;
        if (view.wantsText) {
          const raw = source.slice(lt + 9, close);
          view.text(raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw);
        }
        pos = close + 3;
      } else {
        return null; // DOCTYPE, or not well-formed
      }
    } else {
      // A start tag; a second root (the root is in every view, so the view has one once it opened),
      // a processing instruction or anything else is saxes' to judge.
      if (view.root && !names.length) return null;
      START_TAG.lastIndex = lt;
      const m = START_TAG.exec(source);
      if (!m) return null;
      const attrs = m[2];
      // Every reference in the values must be one the reader decodes, to a character XML allows.
      if (attrs && attrs.includes('&') && decode(attrs, true) === null) return null;
      const selfClosing = m[3] === '/';
      pos = START_TAG.lastIndex;
      const el = view.open(m[1], selfClosing, lt, pos);
      // Attributes are read once: into the view (which also finds a duplicate name, refused by
      // saxes), or, for a tag outside the view, only their names for that check.
      if (attrs && !(el ? readAttrs(source, el, attrValue) : distinctAttrNames(attrs))) return null;
      if (selfClosing) view.close(true, pos);
      else names.push(m[1]);
    }
  }
  // An element left open, or no root at all (done() gives null then).
  return names.length ? null : view.done();
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

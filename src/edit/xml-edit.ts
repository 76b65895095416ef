/**
 * Small building blocks that turn "set this element's text / this attribute" into a SettingEdit
 * against the original text. Values are escaped for their context; in an ISO-8859-1 file, characters
 * the encoding cannot hold are written as character references so the bytes stay valid.
 */
import { KsError } from '../errors';
import type { KsFunction } from '../changes/types';
import type { TextEncodingName } from '../text/codec';
import type { XmlAttr, XmlDocument, XmlElement } from '../xml/document';
import { escapeXmlAttr, escapeXmlContent } from '../xml/escape';
import type { SettingEdit } from './types';

export interface XmlEditContext {
  doc: XmlDocument;
  encoding: TextEncodingName;
  file: string;
}

function charRefs(s: string, encoding: TextEncodingName): string {
  if (encoding !== 'latin1') return s;
  return s.replace(/[^\u0000-\u00ff]/gu, (c) => `&#x${c.codePointAt(0)!.toString(16).toUpperCase()};`);
}

export interface SetMeta {
  setting: string;
  secret?: boolean;
  function: KsFunction | 'other';
}

/** Replace the text content of a leaf element. Returns null when the value is already right. */
export function setElementText(ctx: XmlEditContext, el: XmlElement, value: string, meta: SetMeta): SettingEdit | null {
  if (el.children.length > 0) {
    throw new KsError('XML_AMBIGUOUS', `<${el.name}> holds child elements where a value was expected`, {
      file: ctx.file,
      line: ctx.doc.lineOf(el.start),
    });
  }
  const current = el.text;
  if (current === value && !el.selfClosing) return null;
  // Replacing the whole content would delete a comment or processing instruction kept beside the
  // value (<Password><!-- note -->x</Password>); a leaf's only other markup is CDATA, which holds text.
  if (!el.selfClosing && ctx.doc.source.slice(el.openEnd, el.closeStart).replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').includes('<')) {
    throw new KsError('XML_AMBIGUOUS', `<${el.name}> holds a comment (or processing instruction) beside its value`, {
      file: ctx.file,
      line: ctx.doc.lineOf(el.start),
      hint: 'Move the comment out of the element (or set the value by hand), then run again.',
    });
  }
  if (el.selfClosing) {
    // <Password/>: turn it into <Password>value</Password>, keeping the tag's own text.
    const tag = ctx.doc.source.slice(el.start, el.end).replace(/\s*\/>$/, '>');
    return {
      start: el.start,
      end: el.end,
      text: `${tag}${charRefs(escapeXmlContent(value), ctx.encoding)}</${el.name}>`,
      setting: meta.setting,
      from: current,
      to: value,
      secret: meta.secret ?? false,
      function: meta.function,
    };
  }
  return {
    start: el.openEnd,
    end: el.closeStart,
    text: charRefs(escapeXmlContent(value), ctx.encoding),
    setting: meta.setting,
    from: current,
    to: value,
    secret: meta.secret ?? false,
    function: meta.function,
  };
}

/** Replace an attribute's value inside its existing quotes. */
export function setAttrValue(ctx: XmlEditContext, a: XmlAttr, value: string, meta: SetMeta): SettingEdit | null {
  if (a.value === value) return null;
  return {
    start: a.valueStart,
    end: a.valueEnd,
    text: charRefs(escapeXmlAttr(value, a.quote), ctx.encoding),
    setting: meta.setting,
    from: a.value,
    to: value,
    secret: meta.secret ?? false,
    function: meta.function,
  };
}

/**
 * Add an attribute after the element's last attribute, on its own line with the same indentation
 * when the element already puts one attribute per line (as catalina-server.xml does).
 */
export function insertAttr(ctx: XmlEditContext, el: XmlElement, name: string, value: string, meta: SetMeta): SettingEdit {
  const src = ctx.doc.source;
  const last = el.attrs[el.attrs.length - 1];
  const escaped = charRefs(escapeXmlAttr(value, '"'), ctx.encoding);
  let at: number;
  let sep = ' ';
  if (last) {
    at = last.valueEnd + 1;
    const before = src.slice(el.start, last.start);
    const m = /(\r?\n[ \t]*)$/.exec(before);
    if (m) sep = m[1];
  } else {
    at = el.start + 1 + el.name.length;
  }
  return {
    start: at,
    end: at,
    text: `${sep}${name}="${escaped}"`,
    setting: meta.setting,
    from: '',
    to: value,
    secret: meta.secret ?? false,
    function: meta.function,
  };
}

/** The whitespace that starts the line an offset is on. */
export function indentAt(source: string, offset: number): string {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart, offset))![0];
}

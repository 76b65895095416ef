/**
 * sec.policy (Java policy-file syntax, not XML): the `keystore "URL", "TYPE";` entry and the
 * `grant signedBy "ALIAS"` entries that trust code signed by the key in it.
 *
 * A tiny tokenizer (strings with backslash escapes, // and /* comments, words, punctuation) is
 * enough: Java policy syntax has no library for Node, and we only ever replace string tokens, so
 * bytes outside those strings are never changed. Keywords are case-insensitive, as in the JDK.
 */
import { KsError } from '../errors';
import { lineIndex } from '../text/patcher';
import { formatKeystorePath } from './paths';
import type { CurrentSetting, KeystoreTarget, SettingEdit } from './types';

interface Token {
  kind: 'word' | 'string' | 'punct';
  /** Decoded value for strings, the text otherwise. */
  value: string;
  start: number;
  end: number;
}

function tokenize(src: string, file: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const lines = lineIndex(src);
  while (i < src.length) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') {
      const nl = src.indexOf('\n', i);
      i = nl === -1 ? src.length : nl;
    } else if (c === '/' && src[i + 1] === '*') {
      const close = src.indexOf('*/', i + 2);
      if (close === -1) throw new KsError('POLICY_MALFORMED', 'unterminated /* comment', { file, line: lines(i) });
      i = close + 2;
    } else if (c === '"') {
      let j = i + 1;
      let value = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < src.length) {
          value += src[j + 1];
          j += 2;
        } else {
          if (src[j] === '\n') throw new KsError('POLICY_MALFORMED', 'a string runs past the end of its line', { file, line: lines(i) });
          value += src[j++];
        }
      }
      if (j >= src.length) throw new KsError('POLICY_MALFORMED', 'unterminated string', { file, line: lines(i) });
      out.push({ kind: 'string', value, start: i, end: j + 1 });
      i = j + 1;
    } else if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z0-9_.$]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_.$]/.test(src[j])) j++;
      out.push({ kind: 'word', value: src.slice(i, j), start: i, end: j });
      i = j;
    } else {
      out.push({ kind: 'punct', value: c, start: i, end: i + 1 });
      i++;
    }
  }
  return out;
}

export interface PolicyModel {
  keystore?: { url: Token; type?: Token; line: number };
  signedBy: Array<{ token: Token; line: number }>;
}

export function parsePolicy(src: string, file: string): PolicyModel {
  const toks = tokenize(src, file);
  const lines = lineIndex(src);
  const model: PolicyModel = { signedBy: [] };
  let depth = 0;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.kind === 'punct' && t.value === '{') depth++;
    else if (t.kind === 'punct' && t.value === '}') depth--;
    else if (depth === 0 && t.kind === 'word' && t.value.toLowerCase() === 'keystore' && toks[k + 1]?.kind === 'string') {
      if (model.keystore) {
        throw new KsError('POLICY_MALFORMED', 'more than one keystore entry; the JDK uses only the first', { file, line: lines(t.start) });
      }
      const url = toks[k + 1];
      const type = toks[k + 2]?.value === ',' && toks[k + 3]?.kind === 'string' ? toks[k + 3] : undefined;
      // The JDK's grammar: keystore "URL" [, "TYPE" [, "PROVIDER"]] ; anything else would be edited blind.
      let n = type ? k + 4 : k + 2;
      if (type && toks[n]?.value === ',' && toks[n + 1]?.kind === 'string') n += 2;
      if (!(toks[n]?.kind === 'punct' && toks[n].value === ';')) {
        throw new KsError('POLICY_MALFORMED', 'the keystore entry is not of the form keystore "URL", "TYPE";', { file, line: lines(t.start) });
      }
      model.keystore = { url, type, line: lines(t.start) };
    } else if (depth === 0 && t.kind === 'word' && t.value.toLowerCase() === 'signedby' && toks[k + 1]?.kind === 'string') {
      model.signedBy.push({ token: toks[k + 1], line: lines(toks[k + 1].start) });
    }
  }
  return model;
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function patchSecPolicy(src: string, file: string, t: KeystoreTarget): { edits: SettingEdit[]; warnings: string[] } {
  const model = parsePolicy(src, file);
  const edits: SettingEdit[] = [];
  const warnings: string[] = [];
  if (!model.keystore) {
    throw new KsError('ELEMENT_MISSING', 'sec.policy has no keystore entry', {
      file,
      hint: 'Leave "secPolicy" out of the plan; this sec.policy does not use a keystore.',
    });
  }
  const url = formatKeystorePath(t, 'policyUrl');
  const meta = { secret: false, function: 'secPolicy' as const };
  if (model.keystore.url.value !== url) {
    edits.push({ start: model.keystore.url.start, end: model.keystore.url.end, text: quote(url), setting: 'keystore', from: model.keystore.url.value, to: url, ...meta });
  }
  if (model.keystore.type && model.keystore.type.value !== t.type) {
    edits.push({ start: model.keystore.type.start, end: model.keystore.type.end, text: quote(t.type), setting: 'keystore type', from: model.keystore.type.value, to: t.type, ...meta });
  } else if (!model.keystore.type && t.type !== 'JKS') {
    // Without a type the JDK uses the default keystore type (PKCS12 on Java 9+, JKS before): say it.
    edits.push({ start: model.keystore.url.end, end: model.keystore.url.end, text: `, ${quote(t.type)}`, setting: 'keystore type', from: '', to: t.type, ...meta });
  }
  if (t.alias === undefined) {
    if (model.signedBy.length) throw new KsError('PLAN_INVALID', 'sec.policy grants by signer alias, so the secPolicy keystore needs an "alias" in the plan', { file });
  } else {
    const distinct = new Set(model.signedBy.map((s) => s.token.value));
    if (distinct.size > 1) warnings.push(`${file}: grants name ${distinct.size} different signers; all were pointed at "${t.alias}"`);
    for (const s of model.signedBy) {
      if (s.token.value !== t.alias) {
        edits.push({ start: s.token.start, end: s.token.end, text: quote(t.alias), setting: 'grant signedBy', from: s.token.value, to: t.alias, ...meta });
      }
    }
  }
  return { edits, warnings };
}

export function readSecPolicy(src: string, file: string): CurrentSetting | undefined {
  const m = parsePolicy(src, file);
  if (!m.keystore) return undefined;
  return { function: 'secPolicy', owner: 'keystore', location: m.keystore.url.value, type: m.keystore.type?.value, alias: m.signedBy[0]?.token.value, line: m.keystore.line };
}

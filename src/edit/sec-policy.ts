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

// Sticky regexes tried at the current offset, rather than a loop over characters with a regex test
// per character: parsePolicy of EI's sec.policy in a fresh process 1.25-1.44 -> 0.72-1.19 ms (it is
// read before the wizard's first question). test/edit/sec-policy-tokens.test.ts compares the two.
const SPACE = /\s+/y;
const WORD = /[A-Za-z0-9_.$]+/y;
/** A whole string: any character but `"`, `\` and a line break, or `\` and the character it escapes. */
const STRING = /"((?:[^"\\\n]|\\[\s\S])*)"/y;

/** Tokens of a policy file, comments and white space left out. Exported for its test. */
export function tokenizePolicy(src: string, file: string): Token[] {
  const out: Token[] = [];
  let lines: ((offset: number) => number) | undefined;
  const lineOf = (offset: number) => (lines ??= lineIndex(src))(offset);
  let i = 0;
  while (i < src.length) {
    const c = src.charCodeAt(i);
    const next = src.charCodeAt(i + 1);
    if (c === 0x2f && next === 0x2f) {
      // `//` to the end of the line
      const nl = src.indexOf('\n', i);
      i = nl === -1 ? src.length : nl;
    } else if (c === 0x2f && next === 0x2a) {
      const close = src.indexOf('*/', i + 2);
      if (close === -1) throw new KsError('POLICY_MALFORMED', 'unterminated /* comment', { file, line: lineOf(i) });
      i = close + 2;
    } else if (c === 0x22) {
      STRING.lastIndex = i;
      const m = STRING.exec(src);
      if (!m) throw stringError(src, i, file, lineOf(i));
      out.push({ kind: 'string', value: m[1].replace(/\\([\s\S])/g, '$1'), start: i, end: STRING.lastIndex });
      i = STRING.lastIndex;
    } else {
      SPACE.lastIndex = i;
      if (SPACE.test(src)) {
        i = SPACE.lastIndex;
        continue;
      }
      WORD.lastIndex = i;
      const w = WORD.exec(src);
      if (w) {
        out.push({ kind: 'word', value: w[0], start: i, end: WORD.lastIndex });
        i = WORD.lastIndex;
      } else {
        out.push({ kind: 'punct', value: src[i], start: i, end: i + 1 });
        i++;
      }
    }
  }
  return out;
}

/** Why the string at `start` does not close: a line break comes first, or the end of the file. */
function stringError(src: string, start: number, file: string, line: number): KsError {
  for (let j = start + 1; j < src.length; j++) {
    if (src[j] === '\\') j++;
    else if (src[j] === '\n') return new KsError('POLICY_MALFORMED', 'a string runs past the end of its line', { file, line });
  }
  return new KsError('POLICY_MALFORMED', 'unterminated string', { file, line });
}

export interface PolicyModel {
  keystore?: { url: Token; type?: Token; line: number };
  signedBy: Array<{ token: Token; line: number }>;
}

export function parsePolicy(src: string, file: string): PolicyModel {
  const toks = tokenizePolicy(src, file);
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

/** Edits that point sec.policy at `t`. `model` is `parsePolicy(src, file)`, for a caller that has already parsed `src`. */
export function patchSecPolicy(src: string, file: string, t: KeystoreTarget, model: PolicyModel = parsePolicy(src, file)): { edits: SettingEdit[]; warnings: string[] } {
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
    if (edits.some((e) => e.setting === 'grant signedBy')) {
      warnings.push(
        `${file}: its grants now trust code signed by "${t.alias}". With the Java Security Manager on (-Djava.security.manager in the start script), jars signed with the old key lose those permissions: sign them again with the new key (jarsigner) before restarting.`,
      );
    }
  }
  return { edits, warnings };
}

export function readSecPolicy(src: string, file: string): CurrentSetting | undefined {
  const m = parsePolicy(src, file);
  if (!m.keystore) return undefined;
  return { function: 'secPolicy', owner: 'keystore', location: m.keystore.url.value, type: m.keystore.type?.value, alias: m.signedBy[0]?.token.value, line: m.keystore.line };
}

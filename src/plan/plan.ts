/**
 * The plan file (JSON, version 1): which keystore serves which function. A contract that scripts
 * write, so it is checked strictly: unknown keys, unknown functions, a function naming an unknown
 * keystore and a missing env var are each an error that names the key, before anything is read.
 */
import { isAbsolute, resolve } from 'node:path';
import { KsError } from '../errors';
import { homeRelative } from '../io/paths';
import { FUNCTIONS, type KsFunction } from '../changes/types';

export type Secret = string | { env: string };

export interface PlanKeystore {
  path: string;
  type?: 'JKS' | 'PKCS12';
  password: Secret;
  alias?: string;
  keyPassword?: Secret;
  /** Accept an expired certificate (issue 3). */
  allowExpired?: boolean;
}

export interface Plan {
  version: 1;
  keystores: Record<string, PlanKeystore>;
  functions: Partial<Record<KsFunction, string>>;
  confirmInternalKeystoreChange?: boolean;
  /** Move other references to the same keystore file too (issue 5). */
  alsoUpdate?: 'none' | 'sameFile';
}

const TOP_KEYS = ['version', 'keystores', 'functions', 'confirmInternalKeystoreChange', 'alsoUpdate', '$schema', 'comment'];
const KS_KEYS = ['path', 'type', 'password', 'alias', 'keyPassword', 'allowExpired', 'comment'];
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const invalid = (msg: string, hint?: string) => new KsError('PLAN_INVALID', msg, { hint });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: string[], where: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw invalid(`unknown key "${k}" in ${where}`, `Allowed keys: ${allowed.filter((a) => a !== 'comment' && a !== '$schema').join(', ')}.`);
    }
  }
}

function checkSecret(v: unknown, where: string): Secret {
  if (typeof v === 'string') {
    if (v.length === 0) throw invalid(`${where} is empty`);
    return v;
  }
  if (isObject(v)) {
    // The other keys are not named (checkKeys would): a password written as {"s3cret": …} would be
    // printed, and a plan's errors come before its secrets are known to the output's redaction.
    if (Object.keys(v).some((k) => k !== 'env')) {
      throw invalid(`${where} must be a string or {"env": "VARIABLE_NAME"}: it has a key other than "env" (not named here, in case it is the password)`);
    }
    if (typeof v.env === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v.env)) return { env: v.env };
  }
  throw invalid(`${where} must be a string or {"env": "VARIABLE_NAME"}`);
}

/**
 * JSON.parse's complaint without the plan text it quotes: V8 quotes ~20 characters around an
 * unexpected token (`Unexpected token 's', ..."assword": s3cret, "... is not valid JSON`), which in a
 * plan is often an unquoted password, and this error is printed before the plan's secrets are known
 * to the output's redaction. The line is said instead.
 */
function jsonSyntaxError(message: string, text: string): string {
  const lineAt = (i: number) => text.slice(0, i).split('\n').length;
  const quoted = /^Unexpected token .*?, (?:\.\.\.)?"([\s\S]*)"(?:\.\.\.)? is not valid JSON$/.exec(message);
  if (quoted) {
    const at = text.indexOf(quoted[1]);
    return `unexpected text${at >= 0 ? ` on line ${lineAt(at + (quoted[1].length >> 1))}` : ''} (a string not in double quotes?)`;
  }
  const positioned = /^(.*?) (?:in|after) JSON at position (\d+)/.exec(message);
  if (positioned) return `${positioned[1]} on line ${lineAt(Number(positioned[2]))}`;
  return message.replace(/"[\s\S]*"/, '"…"');
}

/** Parse and check a plan's JSON text. Passwords are not resolved here (see resolveSecret). */
export function parsePlan(jsonText: string): Plan {
  const text = jsonText.replace(/^\uFEFF/, '');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw invalid(`the plan is not valid JSON: ${jsonSyntaxError((e as Error).message, text)}`);
  }
  if (!isObject(raw)) throw invalid('the plan must be a JSON object');
  checkKeys(raw, TOP_KEYS, 'the plan');
  if (raw.version !== 1) throw invalid(raw.version === undefined ? '"version": 1 is missing' : `"version" must be 1 (found ${JSON.stringify(raw.version)})`);
  if (!isObject(raw.keystores)) throw invalid('"keystores" must be an object of named keystores');
  if (!isObject(raw.functions)) throw invalid('"functions" must be an object such as {"primary": "newks"}');

  const keystores: Record<string, PlanKeystore> = Object.create(null);
  for (const [name, v] of Object.entries(raw.keystores)) {
    const where = `keystores.${name}`;
    if (!NAME_RE.test(name)) throw invalid(`keystore name "${name}" is not allowed`, 'Use letters, digits, "_", "-" or "." (e.g. "newks").');
    if (!isObject(v)) throw invalid(`${where} must be an object`);
    checkKeys(v, KS_KEYS, where);
    if (typeof v.path !== 'string' || v.path.trim() === '') throw invalid(`${where}.path must be a non-empty string`);
    if (v.path.includes('\0')) throw invalid(`${where}.path holds a NUL character`);
    if (v.type !== undefined && v.type !== 'JKS' && v.type !== 'PKCS12') throw invalid(`${where}.type must be "JKS" or "PKCS12" (found ${JSON.stringify(v.type)})`);
    if (v.alias !== undefined && (typeof v.alias !== 'string' || v.alias === '')) throw invalid(`${where}.alias must be a non-empty string`);
    if (v.allowExpired !== undefined && typeof v.allowExpired !== 'boolean') throw invalid(`${where}.allowExpired must be true or false`);
    if (v.password === undefined) throw invalid(`${where}.password is missing`);
    keystores[name] = {
      path: v.path,
      type: v.type as PlanKeystore['type'],
      password: checkSecret(v.password, `${where}.password`),
      alias: v.alias as string | undefined,
      keyPassword: v.keyPassword === undefined ? undefined : checkSecret(v.keyPassword, `${where}.keyPassword`),
      allowExpired: v.allowExpired as boolean | undefined,
    };
  }

  const functions: Partial<Record<KsFunction, string>> = {};
  for (const [fn, ks] of Object.entries(raw.functions)) {
    if (!(FUNCTIONS as readonly string[]).includes(fn)) throw invalid(`unknown function "${fn}"`, `Functions: ${FUNCTIONS.join(', ')}.`);
    if (typeof ks !== 'string') throw invalid(`functions.${fn} must name a keystore`);
    if (!Object.prototype.hasOwnProperty.call(keystores, ks)) {
      throw invalid(`functions.${fn} names keystore "${ks}", which is not in "keystores"`, `Keystores in this plan: ${Object.keys(keystores).join(', ') || '(none)'}.`);
    }
    const k = keystores[ks];
    if ((fn === 'primary' || fn === 'internal' || fn === 'secPolicy') && !k.alias) {
      throw invalid(`keystores.${ks} serves "${fn}", which needs the key's "alias"`);
    }
    functions[fn as KsFunction] = ks;
  }
  if (Object.keys(functions).length === 0) throw invalid('"functions" is empty: name at least one function to change');
  if (raw.confirmInternalKeystoreChange !== undefined && typeof raw.confirmInternalKeystoreChange !== 'boolean') {
    throw invalid('"confirmInternalKeystoreChange" must be true or false');
  }
  if (raw.alsoUpdate !== undefined && raw.alsoUpdate !== 'none' && raw.alsoUpdate !== 'sameFile') {
    throw invalid('"alsoUpdate" must be "none" or "sameFile"');
  }
  return {
    version: 1,
    keystores,
    functions,
    confirmInternalKeystoreChange: raw.confirmInternalKeystoreChange as boolean | undefined,
    alsoUpdate: raw.alsoUpdate as Plan['alsoUpdate'],
  };
}

export function resolveSecret(s: Secret, where: string, env: NodeJS.ProcessEnv): string {
  if (typeof s === 'string') return s;
  const v = env[s.env];
  if (v === undefined || v === '') {
    throw new KsError('PLAN_ENV_MISSING', `${where} reads the environment variable ${s.env}, which is not set`, {
      hint: `Set it first, e.g.  read -rs ${s.env} && export ${s.env}`,
    });
  }
  return v;
}

/** Resolve a plan path against HOME. Returns the absolute path and, when inside HOME, the relative one. */
export function resolveKeystorePath(home: string, p: string): { absPath: string; homeRelPath: string | null } {
  const absPath = isAbsolute(p) ? resolve(p) : resolve(home, p);
  const homeRelPath = homeRelative(resolve(home), absPath);
  if (!isAbsolute(p) && homeRelPath === null) {
    throw new KsError('PLAN_INVALID', `keystore path "${p}" climbs out of HOME`, {
      hint: 'Give a path inside HOME (e.g. repository/resources/security/x.jks) or an absolute path.',
    });
  }
  return { absPath, homeRelPath };
}

/** Every password a plan holds, resolved: output layers mask each of them. */
export function planSecrets(plan: Plan, env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const [name, k] of Object.entries(plan.keystores)) {
    for (const [field, s] of [['password', k.password], ['keyPassword', k.keyPassword]] as const) {
      if (s === undefined) continue;
      try {
        out.push(resolveSecret(s, `keystores.${name}.${field}`, env));
      } catch {
        /* reported where it is used */
      }
    }
  }
  return out;
}

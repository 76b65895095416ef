/**
 * What the wizard says about each function, which ones a home has (from the same readers verify and
 * the planner use), and the defaults: primary + tls + axis2 where present, never internal.
 */
import { FUNCTIONS, type KsFunction } from '../changes/types';
import { normalizeConfigPath } from '../edit/paths';
import type { CurrentSetting } from '../edit/types';
import type { Choice } from './prompter';

/** What each function is for; `toml` where a deployment.toml home names it differently. */
export const FUNCTION_INFO: Record<KsFunction, { explain: string; toml?: string }> = {
  primary: { explain: 'the server\'s signing key: tokens, messages (carbon.xml KeyStore)', toml: 'the server\'s signing key: tokens, messages ([keystore.primary])' },
  internal: { explain: 'encrypts stored secrets, via the Crypto Service (carbon.xml InternalKeyStore)', toml: 'encrypts stored secrets, via the Crypto Service ([keystore.internal])' },
  tls: { explain: 'HTTPS of the management console and services (Tomcat connector)', toml: 'HTTPS of the management console and services ([keystore.tls])' },
  axis2: { explain: 'HTTPS of the ESB / gateway transport (axis2 listener and sender)' },
  secPolicy: { explain: 'whose signed code Java\'s security manager trusts (sec.policy); keep with primary' },
  truststore: { explain: 'the certificates this server trusts when it calls others' },
};

export const DEFAULT_FUNCTIONS: KsFunction[] = ['primary', 'tls', 'axis2'];
/** Functions that need a private key (the others only read certificates). */
export const KEY_FUNCTIONS: KsFunction[] = ['primary', 'internal', 'tls', 'axis2', 'secPolicy'];

export type Settings = Array<CurrentSetting & { path: string }>;

/** The functions this home has a setting for, in display order. */
export function functionsOf(settings: Settings): KsFunction[] {
  const present = new Set(settings.map((s) => s.function));
  return FUNCTIONS.filter((f) => present.has(f));
}

/**
 * Checkbox choices for the functions this home has. A function no chosen keystore can serve (no
 * private key) is shown, disabled, with the reason, after the others.
 */
/** A function's explanation in the words of the home's config (carbon.xml elements or deployment.toml tables). */
export const explainFunction = (f: KsFunction, era: 'xml' | 'toml' = 'xml'): string => (era === 'toml' && FUNCTION_INFO[f].toml) || FUNCTION_INFO[f].explain;

export function functionChoices(available: KsFunction[], opts: { haveKey: boolean; primaryEncrypts?: boolean; era?: 'xml' | 'toml' }): Array<Choice<KsFunction>> {
  // Disabled entries go last: the cursor can rest on them, so it should start on one it can tick.
  const usable = (f: KsFunction) => opts.haveKey || !KEY_FUNCTIONS.includes(f);
  const ordered = [...available.filter(usable), ...available.filter((f) => !usable(f))];
  return ordered.map((f) => {
    const needsKey = KEY_FUNCTIONS.includes(f);
    const extra = f === 'primary' && opts.primaryEncrypts ? '; on this home it also encrypts internal data' : '';
    return {
      name: `${f.padEnd(10)}  ${explainFunction(f, opts.era)}${extra}`,
      short: f,
      value: f,
      checked: DEFAULT_FUNCTIONS.includes(f) && (!needsKey || opts.haveKey),
      // inquirer prints it right after the name: in brackets, so it does not run on from the explanation.
      disabled: needsKey && !opts.haveKey ? '(needs a keystore with a private key)' : false,
    };
  });
}

/**
 * The current set-up, one line per function and keystore: the file it names (normalised, so the
 * same keystore spelled two ways is one line), type, alias, and where the first setting is.
 */
export function describeCurrent(settings: Settings): string {
  const groups = new Map<string, { s: Settings[number]; where: string[] }>();
  for (const s of settings) {
    if (s.function === 'other') continue;
    const key = `${s.function}\0${normalizeConfigPath(s.location ?? '')}\0${s.alias ?? ''}`;
    const g = groups.get(key) ?? { s, where: [] };
    // Line 0: not written in the file; the product's default applies (a toml table left out).
    g.where.push(s.line ? `${s.path}:${s.line}` : `${s.path}, by default`);
    groups.set(key, g);
  }
  const order = (f: string) => FUNCTIONS.indexOf(f as KsFunction);
  const rows = [...groups.values()]
    .sort((a, b) => order(a.s.function) - order(b.s.function))
    .map(({ s, where }) => {
      const what = [s.location ? normalizeConfigPath(s.location) : '(no location)', s.type, s.alias ? `alias ${s.alias}` : undefined, s.secretAlias ? 'password in Secure Vault' : undefined]
        .filter(Boolean)
        .join(', ');
      const at = where.length > 1 ? `${where[0]} and ${where.length - 1} more` : where[0];
      return `  ${s.function.padEnd(10)}  ${what}   (${at})`;
    });
  return rows.length ? `${rows.join('\n')}\n` : '  (no keystore settings found)\n';
}

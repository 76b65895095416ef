/**
 * What the wizard says about each function, which ones a home has (from the same readers verify and
 * the planner use), and the defaults: primary + tls + axis2 where present, never internal.
 */
import type { KsFunction } from '../changes/types';
import type { CurrentSetting } from '../edit/types';
import type { Choice } from './prompter';

export const FUNCTION_INFO: Record<KsFunction, { label: string; explain: string }> = {
  primary: { label: 'primary', explain: 'signs tokens and messages, and is the server\'s identity (carbon.xml Security/KeyStore)' },
  internal: { label: 'internal', explain: 'encrypts stored secrets via the Crypto Service (carbon.xml Security/InternalKeyStore)' },
  tls: { label: 'tls', explain: 'the HTTPS certificate of the management console and APIs (Tomcat SSL connector)' },
  axis2: { label: 'axis2', explain: 'the HTTPS certificate of the ESB / gateway transport (axis2 https listener and sender)' },
  secPolicy: { label: 'secPolicy', explain: 'the keystore Java\'s security manager trusts signed code from (sec.policy); keep it with primary' },
  truststore: { label: 'truststore', explain: 'the certificates this server trusts when it calls others (client-truststore)' },
};

const ORDER: KsFunction[] = ['primary', 'internal', 'tls', 'axis2', 'secPolicy', 'truststore'];
export const DEFAULT_FUNCTIONS: KsFunction[] = ['primary', 'tls', 'axis2'];
/** Functions that need a private key (the others only read certificates). */
export const KEY_FUNCTIONS: KsFunction[] = ['primary', 'internal', 'tls', 'axis2', 'secPolicy'];

export type Settings = Array<CurrentSetting & { path: string }>;

/** The functions this home has a setting for, in display order. */
export function functionsOf(settings: Settings): KsFunction[] {
  const present = new Set(settings.map((s) => s.function));
  return ORDER.filter((f) => present.has(f));
}

/**
 * Checkbox choices for the functions this home has. A function no chosen keystore can serve (no
 * private key) is shown but disabled, with the reason.
 */
export function functionChoices(available: KsFunction[], opts: { haveKey: boolean }): Array<Choice<KsFunction>> {
  return available.map((f) => {
    const needsKey = KEY_FUNCTIONS.includes(f);
    return {
      name: `${FUNCTION_INFO[f].label.padEnd(10)}  ${FUNCTION_INFO[f].explain}`,
      value: f,
      checked: DEFAULT_FUNCTIONS.includes(f) && (!needsKey || opts.haveKey),
      disabled: needsKey && !opts.haveKey ? 'needs a keystore with a private key' : false,
    };
  });
}

/** One line per current setting: where it is, which keystore, type and alias. */
export function describeCurrent(settings: Settings): string {
  const rows = settings
    .filter((s) => s.function !== 'other')
    .map((s) => {
      const what = [s.location ?? '(no location)', s.type, s.alias ? `alias ${s.alias}` : undefined, s.secretAlias ? 'password in Secure Vault' : undefined]
        .filter(Boolean)
        .join(', ');
      return `  ${s.function.padEnd(10)}  ${what}   (${s.path}:${s.line})`;
    });
  return rows.length ? `${rows.join('\n')}\n` : '  (no keystore settings found)\n';
}

/**
 * `verify [HOME]`: the `nginx -t` of this tool. For every function the home has, open the keystore
 * its config names with the password the config holds, check the alias and the key, and check that
 * the key's certificate is in the configured truststore. One line per setting; exit 1 if any fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isKsError } from '../../errors';
import { normalizeConfigPath } from '../../edit/paths';
import { tomlKeyWarnings } from '../../changes/plan-toml';
import { detectHome, type HomeLayout } from '../../home/layout';
import { readHomeFiles } from '../../home/read-files';
import { currentSettings, staleVaultValues, vaultAliases, where } from '../../home/settings';
import { TRUSTED_KEY_FUNCTIONS } from '../../plan/check-keystores';
import type { KsFunction } from '../../changes/types';
import type { Keystore } from '../../keystore/types';
import { sniffKeystoreType } from '../../plan/targets';
import { decodedText } from '../../changes/decoded';
import type { CliIo } from '../io';
import { Out } from '../output';
import { recoverFirst } from './recover';

export interface VerifyLine {
  function: string;
  path: string;
  line: number;
  owner: string;
  keystore: string | null;
  ok: boolean;
  message: string;
  warnings: string[];
}

export async function verifyHome(layout: HomeLayout, now = new Date()): Promise<VerifyLine[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ks = require('../../keystore') as typeof import('../../keystore');
  const files = await readHomeFiles(layout);
  const settings = currentSettings(layout, files);
  const lines: VerifyLine[] = [];
  const cache = new Map<string, Keystore>();
  const abs = (loc: string) => resolve(layout.home, normalizeConfigPath(loc));
  const open = (loc: string, password: string, type?: string): { store: Keystore; bytes: Buffer } => {
    const p = abs(loc);
    const bytes = readFileSync(p);
    const key = `${p}\0${password}`;
    let store = cache.get(key);
    if (!store) {
      store = ks.openKeystore(bytes, { password, declaredType: type === 'JKS' || type === 'PKCS12' ? type : undefined, label: loc });
      cache.set(key, store);
    }
    return { store, bytes };
  };
  const trust = settings.find((s) => s.function === 'truststore' && (s.owner === 'Security/TrustStore' || s.owner.startsWith('[truststore]')));
  const keyWarnings = layout.era === 'toml' && layout.files.deploymentToml && files.get(layout.files.deploymentToml)
    ? tomlKeyWarnings(decodedText(files.get(layout.files.deploymentToml)!, layout.files.deploymentToml).text, layout.files.deploymentToml)
    : [];
  // A Secure Vault password is checked only where its clear value is at hand: deployment.toml's
  // [secrets] holds `alias = "[clear]"` until the cipher tool encrypts it (readTomlSettings
  // resolves it). carbon.xml's element holds a placeholder, never the password.
  const clearFromSecrets = (s: { secretAlias?: string; password?: string }) => layout.era === 'toml' && s.secretAlias !== undefined && s.password !== undefined;
  const vault = vaultAliases(layout, files);
  let trustStore: Keystore | null = null;
  if (trust?.location && trust.password && (!trust.secretAlias || clearFromSecrets(trust))) {
    try {
      trustStore = open(trust.location, trust.password, trust.type).store;
    } catch {
      trustStore = null; // reported on its own line below
    }
  }
  for (const s of settings) {
    const base = { function: s.function, path: s.path, line: s.line, owner: s.owner, keystore: s.location ?? null, warnings: [] as string[] };
    // A misspelt key in deployment.toml leaves the default in use without a word from the server.
    if ('table' in s) base.warnings.push(...keyWarnings.filter((k) => k.table === (s as { table: string }).table).map((k) => k.message));
    try {
      if (!s.location) throw new Error('no keystore location is set');
      if (s.function === 'secPolicy') {
        // sec.policy names no password: check the file exists and is the primary keystore's type.
        const p = abs(s.location);
        if (!existsSync(p)) throw new Error(`${s.location} does not exist`);
        const primary = settings.find((x) => x.function === 'primary');
        if (primary?.location && abs(primary.location) === p && primary.alias && s.alias && primary.alias !== s.alias) {
          base.warnings.push(`grant signedBy "${s.alias}" differs from the primary key alias "${primary.alias}"`);
        }
        // Java's policy reader opens the file with the declared type: JKS and PKCS12 stand in for
        // each other only with keystore.type.compat (on by default since Java 8u60).
        const actual = sniffKeystoreType(readFileSync(p));
        if (s.type && (actual === 'JKS' || actual === 'PKCS12') && s.type.toUpperCase() !== actual) {
          base.warnings.push(`it declares the keystore "${s.type}" but the file is ${actual}: write "${actual}", as a JVM without keystore.type.compat cannot open it otherwise`);
        }
        // signedBy names a certificate in that keystore: checked where a config opens the same file.
        const opener = settings.find((x) => x !== s && x.location && abs(x.location) === p && x.password !== undefined && !x.secretAlias);
        if (s.alias && opener) {
          try {
            const { store } = open(opener.location!, opener.password!, opener.type);
            if (!store.entries.some((e) => e.alias.toLowerCase() === s.alias!.toLowerCase())) {
              base.warnings.push(`grant signedBy "${s.alias}": ${s.location} has no entry "${s.alias}", so that grant gives nothing (with a security manager on, the signed jars lose their permissions)`);
            }
          } catch {
            /* the setting that opens it reports why on its own line */
          }
        }
        lines.push({ ...base, ok: true, message: `${s.location} exists` });
        continue;
      }
      if (!existsSync(abs(s.location))) throw new Error(`${s.location} does not exist`);
      // An alias with no value at all: the server cannot resolve the password and fails at start.
      const missing = [s.secretAlias, s.keyPasswordSecretAlias].find((a) => a !== undefined && vault !== null && !vault.aliases.has(a));
      if (missing) throw new Error(`its Secure Vault alias ${missing} has no value in ${vault!.file}: the server cannot resolve this password`);
      if (s.secretAlias && !clearFromSecrets(s)) {
        lines.push({ ...base, ok: true, message: `password is in Secure Vault (${s.secretAlias}); not checked` });
        continue;
      }
      const encryptIt = (alias: string) => `the password is in [secrets] ${alias} in clear (not yet encrypted): run bin/ciphertool.sh -Dconfigure to encrypt it`;
      if (clearFromSecrets(s)) base.warnings.push(encryptIt(s.secretAlias!));
      if (s.password === undefined && layout.era === 'toml') {
        lines.push({ ...base, ok: true, message: 'the password comes from the environment ($env{}/$sys{}) or an unresolvable $ref{}; not checked' });
        continue;
      }
      if (s.password === undefined) throw new Error('no password is set');
      const { store, bytes } = open(s.location, s.password, s.type);
      if (s.function === 'truststore') {
        lines.push({ ...base, ok: true, message: `${store.type}, ${store.entries.length} entries, opens with its password` });
        continue;
      }
      let alias = s.alias;
      const keys = store.entries.filter((e) => e.kind === 'privateKey');
      if (!alias) {
        // axis2's https transports cannot name one: Java's key manager takes the first that fits the handshake.
        if (keys.length > 1 && s.function === 'axis2') {
          base.warnings.push(`its https transports name no alias, and the keystore holds ${keys.length} private keys: the server takes whichever fits the handshake first; "${keys[0].alias}" was checked`);
        } else if (keys.length !== 1) throw new Error(`no alias is set and the keystore holds ${keys.length} private keys`);
        alias = keys[0].alias;
      }
      const keyVault = s.keyPasswordSecretAlias;
      // Said once per alias: key_password often shares the store password's alias.
      if (keyVault && keyVault !== s.secretAlias && clearFromSecrets({ secretAlias: keyVault, password: s.keyPassword })) base.warnings.push(encryptIt(keyVault));
      if (keyVault && s.keyPassword === undefined) {
        // The key password is a Secure Vault value this tool cannot read: the store opened, the key is not tried.
        if (!keys.some((k) => k.alias.toLowerCase() === alias!.toLowerCase())) throw new Error(`no private key "${alias}" in ${s.location}`);
        lines.push({ ...base, ok: true, message: `${store.type} opens with its password; key "${alias}" is there, its password is in Secure Vault (${keyVault}); not checked` });
        continue;
      }
      const cert = ks.checkKeyEntry(store, bytes, { alias, storePassword: s.password, keyPassword: s.keyPassword ?? s.password, label: s.location });
      base.warnings.push(...ks.certificateWarnings(cert, now).filter((w) => s.function === 'primary' || s.function === 'internal' || !/Secure Vault|internal data/.test(w)));
      const chain = ks.keyChain(store, alias) ?? [cert];
      // Others check this server by it (signatures, https); a key that only encrypts internal data need not be trusted.
      if (trustStore && TRUSTED_KEY_FUNCTIONS.includes(s.function as KsFunction)) {
        const anchor = ks.trustAnchorAt(trustStore, chain);
        if (anchor === null) base.warnings.push(`its certificate (${cert.subject}) is not in the truststore ${trust!.location}: clients that use it fail with "PKIX path building failed"`);
        base.warnings.push(...ks.chainExpiry(chain, anchor, now)); // an expired CA below the anchor fails tls like an expired leaf
      }
      // An expired certificate breaks TLS (clients refuse it); for signing and internal encryption the key still works.
      const breaksTls = s.function === 'tls' || s.function === 'axis2';
      lines.push({ ...base, ok: !(breaksTls && base.warnings.some((w) => /expired/.test(w))), message: `key "${alias}" opens (${cert.subject}, valid until ${cert.notAfter.toISOString().slice(0, 10)})` });
    } catch (e) {
      lines.push({ ...base, ok: false, message: isKsError(e) ? e.message : (e as Error).message });
    }
  }
  // A password changed in clear while cipher-text.properties kept the old one in brackets: said on
  // every verify, not only by the apply that changed it (a script may have lost that run's output).
  for (const st of staleVaultValues(layout, files)) {
    const line = lines.find((l) => l.path === st.path && st.lines.includes(l.line));
    line?.warnings.push(
      `${layout.files.cipherText} holds another (older) value in brackets for ${st.alias}: the server reads this file's password now, but ciphertool.sh -Dconfigure would encrypt that old value and put its placeholder over this password. Write the current password there first (${st.alias}=[value]).`,
    );
  }
  return lines;
}

export async function verifyCommand(opts: { home?: string; json?: boolean }, io: CliIo): Promise<number> {
  const out = new Out(io);
  try {
    const layout = detectHome(resolve(io.cwd, opts.home ?? '.'));
    const recovered = await recoverFirst(layout.home, out, { json: opts.json });
    const lines = await verifyHome(layout);
    const ok = lines.every((l) => l.ok);
    if (opts.json) out.json({ ok, checks: lines, recovered });
    else {
      for (const l of lines) {
        out.out(`${l.ok ? 'OK  ' : 'FAIL'}  ${l.function.padEnd(10)} ${where(l)} ${l.owner}: ${l.message}\n`);
        for (const w of l.warnings) out.out(`      warning: ${w}\n`);
      }
      const warned = lines.some((l) => l.warnings.length > 0);
      out.out(ok ? `All keystore settings check out${warned ? ' (read the warnings above)' : ''}.\n` : 'Some settings would stop the server or break TLS: fix the lines marked FAIL.\n');
    }
    return ok ? 0 : 1;
  } catch (e) {
    return out.fail(e, opts.json);
  }
}

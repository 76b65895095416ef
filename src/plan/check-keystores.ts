/**
 * Open and check every keystore a plan puts in service, before any edit is computed: the failures
 * that stop a WSO2 server at start ("Keystore was tampered with, or password was incorrect",
 * "Cannot recover key", a missing alias, PKIX path building failed) are all knowable now.
 */
import { isAbsolute } from 'node:path';
import { KsError, isKsError } from '../errors';
import type { FileChange, KsFunction, ReadVault } from '../changes/types';
import type { CertInfo, Keystore } from '../keystore/types';
import type { ResolvedKeystore } from './targets';
import { decryptVaultValue } from '../edit/secure-vault';
import type { Plan } from './plan';

/** Functions whose keystore must hold a usable private key. */
const KEY_FUNCTIONS: KsFunction[] = ['primary', 'internal', 'tls', 'axis2', 'secPolicy'];

/** Functions whose certificate other parties check against a truststore: signatures (primary) and https (tls, axis2). */
export const TRUSTED_KEY_FUNCTIONS: readonly KsFunction[] = ['primary', 'tls', 'axis2'];

export interface KeystoreCheck {
  warnings: string[];
  /** Leaf certificate of the key each keystore serves with. */
  certs: Map<string, CertInfo>;
  /** SHA-256 of the certificates the truststore check looked at (keys serving primary, tls or axis2). */
  trustChecked: Set<string>;
  /** The truststore as opened for that check (before any import), for later checks against it. */
  trustStore?: Keystore;
  /** The truststore with the missing certificates added (only with importCert). */
  truststoreChange?: FileChange;
  /** An encrypted Secure Vault value decrypted with the key of one of the plan's keystores, or null (the planner's readVault). */
  readVault: ReadVault;
}

export interface TruststoreRef {
  /** HOME-relative or absolute path. */
  path: string;
  absPath: string;
  password?: string;
  type?: 'JKS' | 'PKCS12';
  /** Where the setting was read from, for messages. */
  source: string;
}

/** Plan-specific hints, where the generic one (the keystore layer's, also the wizard's) would not say what to write. */
const PLAN_HINTS: Partial<Record<string, (name: string) => string>> = {
  CERT_EXPIRED: (name) => `Use a valid certificate, or set "allowExpired": true on keystores.${name} in the plan.`,
};

function withContext(e: unknown, name: string, fns: string[]): never {
  if (isKsError(e)) {
    const hint = PLAN_HINTS[e.code]?.(name) ?? e.hint ?? `Check keystores.${name} in the plan.`;
    throw new KsError(e.code, `keystore "${name}" (for ${fns.join(', ')}): ${e.message}`, { hint, file: e.file, line: e.line });
  }
  throw e;
}

export function checkPlanKeystores(
  plan: Plan,
  resolved: Map<string, ResolvedKeystore>,
  readBytes: (absPath: string) => Buffer,
  opts: {
    now?: Date;
    truststore?: TruststoreRef | null;
    importCert?: boolean;
    home: string;
    /** On a deployment.toml home with https transports, they follow [keystore.tls]: tls serves axis2 too. */
    axis2FollowsTls?: boolean;
  },
): KeystoreCheck {
  // Loaded here, not at the top: node-forge (PKCS12) costs start-up time that scan and --version do not need.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ks = require('../keystore') as typeof import('../keystore');
  const now = opts.now ?? new Date();
  const warnings: string[] = [];
  const certs = new Map<string, CertInfo>();
  /** The key's chain as the keystore holds it (leaf first), for the trust check; set with certs. */
  const chains = new Map<string, CertInfo[]>();
  /** The alias each keystore serves with (the plan's, or the only key's when the plan names none); set with certs. */
  const aliases = new Map<string, string>();
  /** Each plan keystore as opened, by file and password: the truststore is often one of them. */
  const opened = new Map<string, Keystore>();
  /** The plan's keys, as checked: the keys the planner may compare Secure Vault values with. */
  const planKeys: Array<{ absPath: string; store: Keystore; bytes: Buffer; alias: string; storePassword: string; keyPassword: string; der?: Buffer | null }> = [];

  const fnsOf = (name: string) => (Object.entries(plan.functions) as [KsFunction, string][]).filter(([, n]) => n === name).map(([f]) => f);
  for (const [name, r] of resolved) {
    const fns = fnsOf(name);
    const bytes = readBytes(r.absPath);
    let store: Keystore;
    try {
      store = ks.openKeystore(bytes, { password: r.password, declaredType: r.declaredType, label: r.homeRelPath ?? r.absPath });
    } catch (e) {
      withContext(e, name, fns);
    }
    opened.set(`${r.absPath}\0${r.password}`, store);
    const keys = store.entries.filter((e) => e.kind === 'privateKey');
    r.keyEntryCount = keys.length;
    const keyFns = fns.filter((f) => KEY_FUNCTIONS.includes(f));
    if (keyFns.length === 0) continue;
    let alias = r.alias;
    if (!alias) {
      if (keys.length === 0) {
        withContext(
          new KsError('ALIAS_MISSING', `it holds no private key (only certificates: a truststore?), so it cannot serve ${keyFns.join(' or ')}`, {
            hint: `Give ${keyFns.join(', ')} a keystore with a private key; a file like this one can serve only as "truststore".`,
          }),
          name,
          keyFns,
        );
      }
      if (keys.length !== 1) {
        withContext(
          new KsError('ALIAS_MISSING', `it holds ${keys.length} private keys (${ks.nameAliases(keys.map((k) => k.alias)) || 'none'}), so the plan must name one with "alias"`),
          name,
          keyFns,
        );
      }
      alias = keys[0].alias;
    }
    let cert: CertInfo;
    try {
      // A plan without keyPassword means "the keystore password": say so if the key has another.
      const keyPassword = plan.keystores[name].keyPassword === undefined ? undefined : r.keyPassword;
      cert = ks.checkKeyEntry(store, bytes, { alias, storePassword: r.password, keyPassword, label: r.homeRelPath ?? r.absPath });
      // Encryption does not look at the certificate's dates: a key that only encrypts (keeping the
      // stock, long-expired wso2carbon.jks for internal data) is neither refused nor warned about.
      const onlyEncrypts = keyFns.every((f) => f === 'internal');
      const ws = ks.checkCertificate(cert, { now, allowExpired: r.allowExpired || onlyEncrypts });
      const encrypts = keyFns.includes('internal') || keyFns.includes('primary');
      for (const w of ws) {
        if (!encrypts && /Secure Vault|internal data/.test(w)) continue;
        if (onlyEncrypts && /^certificate (expired|expires)/.test(w)) continue;
        warnings.push(`keystore "${name}" (${alias}): ${w}`);
      }
    } catch (e) {
      withContext(e, name, keyFns);
    }
    const axis2 = keyFns.includes('axis2') || (opts.axis2FollowsTls === true && keyFns.includes('tls'));
    if (axis2 && keys.length > 1) {
      // Its https transports carry Location, Type and passwords but no alias: Java's key manager takes
      // the first key that fits the handshake, so the alias chosen for the other functions is not sure to be it.
      warnings.push(
        `keystore "${name}" (for ${keyFns.includes('axis2') ? 'axis2' : 'tls, which the https transports follow'}): axis2's https transports name no alias, and it holds ${keys.length} private keys (${ks.nameAliases(keys.map((k) => k.alias))}): ` +
          `the server takes whichever fits the handshake first, not necessarily "${alias}". To be sure, give ${keyFns.includes('axis2') ? 'axis2' : 'tls'} a keystore with just that key (keytool -importkeystore -srcalias ${alias} …).`,
      );
    }
    const https = keyFns.filter((f) => f === 'tls' || f === 'axis2');
    if (https.length && keys.length > 1) {
      // Java's SunX509 key manager (Tomcat 7, the https transports) recovers every key of the file with the one key password
      // (r.keyPassword: the store password when the plan leaves it out). The served key opened above.
      const served = alias.toLowerCase();
      const rest = keys.filter((k) => k.alias.toLowerCase() !== served).map((k) => k.alias);
      const others = ks.keysNotOpeningWith(store, bytes, rest, r.password, r.keyPassword);
      if (others.length) {
        warnings.push(
          `keystore "${name}" (for ${https.join(', ')}): ${ks.nameAliases(others)} ${others.length === 1 ? 'does' : 'do'} not open with the key password of "${alias}". ` +
            `Java's SunX509 key manager (Tomcat in 4.4.x products, the https transports) loads every key of the file with that one password and fails with "Cannot recover key": ` +
            `give them the same password (keytool -keypasswd), or use a keystore holding just "${alias}".`,
        );
      }
    }
    certs.set(name, cert);
    planKeys.push({ absPath: r.absPath, store, bytes, alias, storePassword: r.password, keyPassword: r.keyPassword });
    chains.set(name, ks.keyChain(store, alias) ?? [cert]);
    aliases.set(name, alias);
  }

  // A key is recovered only if the planner asks (a home with encrypted Secure Vault values), and once.
  const readVault: ReadVault = (encrypted, keystore) => {
    const k = planKeys.find((x) => x.absPath === keystore.absPath && (keystore.alias === undefined || x.alias.toLowerCase() === keystore.alias.toLowerCase()));
    if (!k) return null;
    if (k.der === undefined) k.der = ks.privateKeyOf(k.store, k.bytes, k);
    return k.der ? decryptVaultValue(encrypted, k.der) : null;
  };

  // Trust: each certificate others check this server by (signatures, https) should be trusted by
  // the truststore the home will use. Not a key that only encrypts internal data or signs jars.
  const trusted = [...certs].filter(([name]) => fnsOf(name).some((f) => TRUSTED_KEY_FUNCTIONS.includes(f)));
  const trustChecked = new Set(trusted.map(([, c]) => c.sha256));
  const trust = opts.truststore;
  let trustStore: Keystore | null = null;
  if (trust && trusted.length > 0) {
    let trustBytes: Buffer | null = null;
    try {
      trustBytes = readBytes(trust.absPath);
      if (!trust.password) throw new KsError('KEYSTORE_PASSWORD', 'its password is not in clear in the config (Secure Vault?)');
      const same = opened.get(`${trust.absPath}\0${trust.password}`);
      trustStore = same && (!trust.type || trust.type === same.type) ? same : ks.openKeystore(trustBytes, { password: trust.password, declaredType: trust.type, label: trust.path });
    } catch (e) {
      // An import was asked for (--import-cert, the wizard's yes) that cannot happen: say so, or the run would look done.
      const skipped = opts.importCert
        ? `; so nothing was imported into it: import the certificate by hand (keytool -importcert -keystore ${trust.path} …), or give "truststore" this truststore with its password, which lets this tool open it`
        : '';
      warnings.push(`could not check the truststore ${trust.path} (${trust.source}): ${isKsError(e) ? e.message : (e as Error).message}${skipped}`);
    }
    if (trustStore && trustBytes) {
      // The anchor PKIX would find; the chain's CA certificates below it must be valid too.
      const anchors = new Map(trusted.map(([name]) => [name, ks.trustAnchorAt(trustStore!, chains.get(name)!)]));
      for (const [name] of trusted) for (const w of ks.chainExpiry(chains.get(name)!, anchors.get(name)!, now)) warnings.push(`keystore "${name}" (${aliases.get(name)}): ${w}`);
      const missing = trusted.filter(([name]) => anchors.get(name) === null);
      if (missing.length && !opts.importCert) {
        for (const [name, c] of missing) {
          warnings.push(
            `the certificate of keystore "${name}" (${c.subject}) is not in the truststore ${trust.path}: clients and other nodes that use it will fail with "PKIX path building failed". Run again with --import-cert to add it (the wizard asks instead), or add it with keytool -importcert.`,
          );
        }
      }
      if (missing.length && opts.importCert) {
        if (isAbsolute(trust.path)) {
          throw new KsError('PLAN_INVALID', `--import-cert: the truststore ${trust.path} lies outside HOME, so it cannot be backed up with the configs`, {
            hint: `Import by hand: keytool -importcert -keystore ${trust.path} -alias <alias> -file cert.pem`,
          });
        }
        let bytes = trustBytes;
        const notes: string[] = [];
        const imported: Array<{ name: string; c: CertInfo; alias: string }> = [];
        const taken = new Set(trustStore.entries.map((e) => e.alias.toLowerCase()));
        for (const [name, c] of missing) {
          // Under the key's alias, or the next free one when the truststore has it (wso2carbon is often kept).
          const wanted = aliases.get(name)!.toLowerCase();
          const alias = ks.freeAlias(taken, wanted);
          taken.add(alias);
          bytes = ks.addTrustedCertificate(bytes, { type: trustStore.type, password: trust.password!, alias, certDer: c.der, label: trust.path });
          imported.push({ name, c, alias });
          notes.push(`${trust.path}: imported the certificate of "${name}" (${c.subject}) as "${alias}"${alias === wanted ? '' : ` ("${wanted}" was taken)`}`);
        }
        return {
          warnings,
          certs,
          trustChecked,
          trustStore,
          readVault,
          truststoreChange: {
            path: trust.path,
            before: trustBytes,
            after: bytes,
            changes: imported.map(({ c, alias }) => ({ line: 0, setting: 'trusted certificate', from: '', to: `${alias} (${c.sha256})`, secret: false, function: 'truststore' })),
            notes,
            binary: true,
          },
        };
      }
    }
  }
  return { warnings, certs, trustChecked, trustStore: trustStore ?? undefined, readVault };
}

/** A key setting the home keeps after the plan, read from its config files as the plan leaves them. */
export interface KeyInService {
  function: KsFunction;
  /** As the config names it, for messages. */
  location: string;
  absPath: string;
  password: string;
  type?: 'JKS' | 'PKCS12';
  /** The alias the config names; without one, the keystore's only key. */
  alias?: string;
  /** Where it is set, for messages: `conf/carbon.xml:364`. */
  source: string;
}

/**
 * A plan that puts a new truststore in place must leave it trusting the keys that stay in service
 * (the primary keystore's, Tomcat's, the https transports'), not only the new ones checkPlanKeystores
 * looks at: a truststore built from scratch, with only the company's CAs, is the usual way to lose
 * the server's own self-signed certificate. One warning per certificate it lacks, naming each
 * setting that serves with it. A keystore that does not open with the password its config gives, or
 * whose key cannot be told (several keys, no alias), is left to `verify`, which reports it.
 */
export function checkTrustOfKeysInService(
  keys: readonly KeyInService[],
  /** `store`: the truststore already opened from these bytes (checkPlanKeystores'), not opened again. */
  trust: { path: string; bytes: Buffer; password: string; type?: 'JKS' | 'PKCS12'; store?: Keystore },
  readBytes: (absPath: string) => Buffer,
  /** Certificates checkPlanKeystores has looked at already (its own warning names them). */
  checked: ReadonlySet<string> = new Set(),
  now = new Date(),
): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ks = require('../keystore') as typeof import('../keystore');
  let trustStore: Keystore;
  try {
    trustStore = trust.store ?? ks.openKeystore(trust.bytes, { password: trust.password, declaredType: trust.type, label: trust.path });
  } catch {
    return []; // checkPlanKeystores has said why
  }
  const opened = new Map<string, Keystore | null>();
  const open = (k: KeyInService): Keystore | null => {
    const id = `${k.absPath}\0${k.password}`;
    if (!opened.has(id)) {
      try {
        opened.set(id, ks.openKeystore(readBytes(k.absPath), { password: k.password, declaredType: k.type, label: k.location }));
      } catch {
        opened.set(id, null);
      }
    }
    return opened.get(id)!;
  };
  // By certificate: the primary keystore often serves tls and axis2 too, with the same key.
  const missing = new Map<string, { cert: CertInfo; alias: string; location: string; uses: Map<KsFunction, string[]> }>();
  const lapsed = new Set<string>();
  for (const k of keys) {
    const store = open(k);
    if (!store) continue;
    const keys = store.entries.filter((e) => e.kind === 'privateKey');
    const alias = k.alias ?? (keys.length === 1 ? keys[0].alias : undefined);
    const chain = alias === undefined ? undefined : ks.keyChain(store, alias);
    const cert = chain?.[0];
    if (!chain || !cert || checked.has(cert.sha256)) continue;
    const anchor = ks.trustAnchorAt(trustStore, chain);
    if (anchor !== null) {
      for (const w of ks.chainExpiry(chain, anchor, now)) lapsed.add(`the key "${alias!.toLowerCase()}" in ${k.location}, which stays in service: ${w}`);
      continue;
    }
    const m = missing.get(cert.sha256) ?? { cert, alias: alias!.toLowerCase(), location: k.location, uses: new Map() };
    m.uses.set(k.function, [...(m.uses.get(k.function) ?? []), k.source]);
    missing.set(cert.sha256, m);
  }
  return [
    ...lapsed,
    ...[...missing.values()].map(
      ({ cert, alias, location, uses }) =>
        `the certificate of "${alias}" in ${location} (${cert.subject}), which stays in service for ${[...uses].map(([fn, at]) => `${fn} (${at[0]}${at.length > 1 ? ` and ${at.length - 1} more` : ''})`).join(', ')}, is not in the new truststore ${trust.path}: ` +
        `what checks this server against it (the other nodes, the gateway, the management console calling its own services) fails with "PKIX path building failed". ` +
        `Add it before restarting: keytool -exportcert -keystore ${location} -alias ${alias} -file ${alias}.cer, then keytool -importcert -keystore ${trust.path} -alias ${alias} -file ${alias}.cer.`,
    ),
  ];
}

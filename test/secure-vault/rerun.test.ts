/**
 * A plan run again after `ciphertool.sh -Dconfigure` has encrypted the passwords it wrote: a value
 * that decrypts, with a key the plan holds, to the plan's password is left alone (the run changes
 * nothing, as docs/cluster.md promises); one that decrypts to another password (the keystore's
 * password was changed) is written again; one no key of the plan decrypts is written again, and the
 * warning says why. The encryption is Java's, as the cipher tool does it (test/secure-vault/java).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readProperties } from '../../src/edit/properties';
import { isBracketed, unbracketed } from '../../src/edit/secure-vault';
import { copyHome, ensureBuilt, runCli } from '../helpers/home';
import { describeWithKeytool, genKeyPair, keytool, tmpDir } from '../helpers/keytool';
import { cipherToolConfigure, tomlVault, vaultWithSharedListenerAlias } from './prepare';

const SEC = 'repository/resources/security';
const CT = 'repository/conf/security/cipher-text.properties';
const ENCRYPTOR = join(__dirname, 'java', 'VaultEncrypt.java');

/** Each value encrypted with the keystore's key, by Java, as the cipher tool does it. */
function javaEncrypt(ks: { file: string; password: string; alias: string }, values: string[], transformation = 'RSA'): string[] {
  return execFileSync('java', [ENCRYPTOR, ks.file, 'JKS', ks.password, ks.alias, transformation], {
    input: values.join('\n') + '\n',
    encoding: 'utf8',
    env: { ...process.env, JAVA_TOOL_OPTIONS: '' },
  })
    .trim()
    .split('\n');
}

/** The cipher tool on cipher-text.properties: every bracketed value encrypted with the keystore's key. */
function runCipherTool(home: string, ks: { file: string; password: string; alias: string }, transformation = 'RSA', ct = CT): void {
  const path = join(home, ct);
  const text = readFileSync(path, 'latin1');
  const clear = readProperties(text).filter((p) => isBracketed(p.value));
  const out = javaEncrypt(ks, clear.map((p) => unbracketed(p.value)), transformation);
  const lines = text.split('\n').map((l) => {
    const i = clear.findIndex((p) => l.startsWith(`${p.key}=`));
    return i < 0 ? l : `${clear[i].key}=${out[i]}`;
  });
  writeFileSync(path, lines.join('\n'), 'latin1');
}

/** The plan most cases use: primary, internal and tls to new.jks under HOME's security folder (password from N_PASS). */
const NEW_KS_PLAN = {
  version: 1,
  keystores: { n: { path: `${SEC}/new.jks`, password: { env: 'N_PASS' }, alias: 'newkey' } },
  functions: { primary: 'n', internal: 'n', tls: 'n' },
  confirmInternalKeystoreChange: true,
};

/** A plan file in a scratch folder. */
function writePlan(body: object = NEW_KS_PLAN): string {
  const plan = join(tmpDir('vault-rerun'), 'plan.json');
  writeFileSync(plan, JSON.stringify(body));
  return plan;
}

/** `apply --plan … --yes --json`, which must exit 0 (on failure the JSON error is what is shown), parsed. */
function applyOk(home: string, plan: string, env: NodeJS.ProcessEnv): { changed: boolean; warnings: string[] } {
  const r = runCli(['apply', '--plan', plan, home, '--yes', '--json'], { env });
  expect({ code: r.code, stdout: r.code ? r.stdout : '' }).toEqual({ code: 0, stdout: '' });
  return JSON.parse(r.stdout) as { changed: boolean; warnings: string[] };
}

const valuesOf = (home: string) => Object.fromEntries(readProperties(readFileSync(join(home, CT), 'latin1')).map((p) => [p.key, p.value]));

beforeAll(() => ensureBuilt());

describeWithKeytool('4.4.x (IS 5.5.0) with Secure Vault: a plan run again after the cipher tool', () => {
  const PW = 'NewStore-pw1';
  function setup() {
    const home = copyHome('is-5.5.0');
    cipherToolConfigure(home);
    const file = join(home, SEC, 'new.jks');
    genKeyPair({ file, storeType: 'JKS', storePass: PW, alias: 'newkey' });
    return { home, file, plan: writePlan() };
  }
  const apply = (home: string, plan: string, pw: string) => applyOk(home, plan, { N_PASS: pw });

  it.each(['RSA', 'RSA/ECB/OAEPWithSHA1AndMGF1Padding'])('values the plan key decrypts to its password are left alone (%s): the second run changes nothing', (transformation) => {
    const { home, file, plan } = setup();
    expect(apply(home, plan, PW).changed).toBe(true);
    expect(valuesOf(home)['Carbon.Security.KeyStore.Password']).toBe(`[${PW}]`);
    runCipherTool(home, { file, password: PW, alias: 'newkey' }, transformation);
    const encrypted = readFileSync(join(home, CT));
    expect(valuesOf(home)['Carbon.Security.KeyStore.Password']).not.toContain(PW);

    const again = apply(home, plan, PW);
    expect(again.changed).toBe(false);
    expect(readFileSync(join(home, CT)).equals(encrypted)).toBe(true);
    expect(again.warnings.join('\n')).not.toMatch(/Secure Vault: .* now hold/);
    // What the first run left encrypted with the old key (the cipher tool only encrypts what is in
    // brackets) is named again: the new vault key cannot read it.
    expect(again.warnings).toContain(
      'Secure Vault: Carbon.Security.TrustStore.Password, UserManager.AdminUser.Password, Datasources.WSO2_CARBON_DB.Configuration.Password (in repository/conf/security/cipher-text.properties) do not decrypt with ${carbon.home}/repository/resources/security/new.jks (alias newkey), the keystore Secure Vault uses after this plan (this tool tried its key). If the cipher tool did not encrypt them with that key, the server cannot read them either: write each clear value back in brackets (alias=[value]) and run bin/ciphertool.sh -Dconfigure.',
    );
  });

  it('a value that decrypts to another password (the keystore password was changed since) is written again', () => {
    const { home, file, plan } = setup();
    apply(home, plan, PW);
    runCipherTool(home, { file, password: PW, alias: 'newkey' });
    const NEXT = 'Rotated-pw2';
    keytool(['-storepasswd', '-keystore', file, '-storepass', PW, '-new', NEXT]);
    keytool(['-keypasswd', '-keystore', file, '-storepass', NEXT, '-alias', 'newkey', '-keypass', PW, '-new', NEXT]);

    const again = apply(home, plan, NEXT);
    expect(again.changed).toBe(true);
    const v = valuesOf(home);
    for (const a of ['Carbon.Security.KeyStore.Password', 'Carbon.Security.KeyStore.KeyPassword', 'Server.Service.Connector.keystorePass']) expect(v[a]).toBe(`[${NEXT}]`);
    // The value was read (it held the old password): nothing about keys this run could not use.
    expect(again.warnings.join('\n')).not.toMatch(/cannot tell/);
  });

  it('a plan that moves the vault to another keystore while keeping the old one for tls: every value is written again', () => {
    // QA: the tls password, encrypted with new.jks, decrypts with new.jks, which this plan still holds
    // (for tls); but after the plan Secure Vault decrypts with new2.jks, so it must be redone.
    const { home, file, plan } = setup();
    apply(home, plan, PW);
    runCipherTool(home, { file, password: PW, alias: 'newkey' });
    genKeyPair({ file: join(home, SEC, 'new2.jks'), storeType: 'JKS', storePass: 'Second-pw2', alias: 'key2' });
    const planB = writePlan({
      ...NEW_KS_PLAN,
      keystores: { ...NEW_KS_PLAN.keystores, n2: { path: `${SEC}/new2.jks`, password: { env: 'N2_PASS' }, alias: 'key2' } },
      functions: { primary: 'n2', internal: 'n2', tls: 'n' },
    });
    const r = applyOk(home, planB, { N_PASS: PW, N2_PASS: 'Second-pw2' });
    const v = valuesOf(home);
    expect(v['Server.Service.Connector.keystorePass']).toBe(`[${PW}]`);
    expect(v['Carbon.Security.KeyStore.Password']).toBe('[Second-pw2]');
    const w = r.warnings.join('\n');
    // What stays encrypted with the old key is named to redo; what was written is named as written.
    expect(w).toMatch(/Server\.Service\.Connector\.keystorePass already hold the new value in brackets/);
  });

  it('a value no key of the plan decrypts is written again, and the warning says why', () => {
    const { home, plan } = setup();
    apply(home, plan, PW);
    // Encrypted with a keystore the plan does not hold (as when the cipher tool ran with another primary).
    const other = join(tmpDir('vault-other'), 'other.jks');
    genKeyPair({ file: other, storeType: 'JKS', storePass: 'other-pw1', alias: 'other' });
    runCipherTool(home, { file: other, password: 'other-pw1', alias: 'other' });

    const again = apply(home, plan, PW);
    expect(again.changed).toBe(true);
    expect(valuesOf(home)['Server.Service.Connector.keystorePass']).toBe(`[${PW}]`);
    expect(again.warnings.join('\n')).toMatch(/Server\.Service\.Connector\.keystorePass were encrypted with another key than the one Secure Vault uses after this plan, so this tool cannot tell whether they already held the new password/);
  });
});

describeWithKeytool('4.4.x (IS 5.5.0): a plan that names the vault\'s keystore for another function', () => {
  it('tls on wso2carbon.jks, which Secure Vault encrypts with (primary, left in place): its value is read with that key and left alone', () => {
    const home = copyHome('is-5.5.0');
    cipherToolConfigure(home);
    // As the cipher tool leaves it with the stock primary keystore: every value encrypted with wso2carbon.jks.
    const path = join(home, CT);
    writeFileSync(path, readFileSync(path, 'latin1').replace(/^(Server\.Service\.Connector\.keystorePass)=.*$/m, '$1=[wso2carbon]'), 'latin1');
    runCipherTool(home, { file: join(home, SEC, 'wso2carbon.jks'), password: 'wso2carbon', alias: 'wso2carbon' });
    const encrypted = readFileSync(path);
    const plan = writePlan({ version: 1, keystores: { w: { path: `${SEC}/wso2carbon.jks`, password: { env: 'W' }, alias: 'wso2carbon' } }, functions: { tls: 'w' } });
    expect(applyOk(home, plan, { W: 'wso2carbon' }).changed).toBe(false);
    expect(readFileSync(path).equals(encrypted)).toBe(true);
  });
});

describeWithKeytool('4.4.x (EI 6.2.0): an alias shared with a setting the plan leaves alone, whose value does not change', () => {
  it('a new primary keystore with the same password as now: accepted, the shared alias left as it is', () => {
    const home = copyHome('ei-6.2.0');
    vaultWithSharedListenerAlias(home);
    // The vault as the cipher tool leaves it with the stock keystore: the primary's password, encrypted.
    const ct = 'conf/security/cipher-text.properties';
    writeFileSync(join(home, ct), 'Carbon.Security.KeyStore.Password=[wso2carbon]\nCarbon.Security.KeyStore.KeyPassword=[wso2carbon]\n', 'latin1');
    runCipherTool(home, { file: join(home, SEC, 'wso2carbon.jks'), password: 'wso2carbon', alias: 'wso2carbon' }, 'RSA', ct);
    const encrypted = readFileSync(join(home, ct));
    genKeyPair({ file: join(home, SEC, 'same.jks'), storeType: 'JKS', storePass: 'wso2carbon', alias: 'samekey' });
    const plan = writePlan({
      version: 1,
      keystores: { s: { path: `${SEC}/same.jks`, password: { env: 'S' }, alias: 'samekey' }, w: { path: `${SEC}/wso2carbon.jks`, password: { env: 'S' }, alias: 'wso2carbon' } },
      functions: { primary: 's', internal: 'w' },
    });
    applyOk(home, plan, { S: 'wso2carbon' });
    expect(readFileSync(join(home, ct)).equals(encrypted)).toBe(true);
    expect(readFileSync(join(home, 'conf/carbon.xml'), 'latin1')).toContain('same.jks');
  });
});

describeWithKeytool('toml era (IS 5.11.0) with $secret{} passwords: a plan run again after the cipher tool', () => {
  const TOML = 'repository/conf/deployment.toml';
  const PW = 'NewStore-pw1';

  /** The cipher tool on [secrets]: every bracketed value encrypted with the keystore's key. */
  function runCipherToolToml(home: string, ks: { file: string; password: string; alias: string }): void {
    const path = join(home, TOML);
    const text = readFileSync(path, 'utf8');
    const clear = [...text.matchAll(/^(\w+) = "\[(.*)\]"$/gm)];
    const out = javaEncrypt(ks, clear.map((m) => m[2]), 'RSA/ECB/OAEPWithSHA1AndMGF1Padding');
    let i = 0;
    writeFileSync(path, text.replace(/^(\w+) = "\[(.*)\]"$/gm, (_, k: string) => `${k} = "${out[i++]}"`));
  }

  it('[secrets] values the plan key decrypts to its password are left alone: the second run changes nothing', () => {
    const home = copyHome('is-5.11.0');
    const path = join(home, TOML);
    // admin_password: encrypted with a key the plan does not touch (random bytes here), as a real home has.
    writeFileSync(path, tomlVault(readFileSync(path, 'utf8'), { 'keystore.primary|password': 'keystore_password' }, ['admin_password']));
    const file = join(home, SEC, 'new.jks');
    genKeyPair({ file, storeType: 'JKS', storePass: PW, alias: 'newkey' });
    const plan = writePlan();
    const apply = () => applyOk(home, plan, { N_PASS: PW });
    expect(apply().changed).toBe(true);
    expect(readFileSync(path, 'utf8')).toContain(`keystore_password = "[${PW}]"`);
    runCipherToolToml(home, { file, password: PW, alias: 'newkey' });
    const encrypted = readFileSync(path);
    expect(encrypted.toString('utf8')).not.toContain(PW);

    const again = apply();
    expect(again.changed).toBe(false);
    expect(readFileSync(path).equals(encrypted)).toBe(true);
    // The value the first run's vault move left encrypted with the old key is named on this run too.
    expect(again.warnings.find((w) => w.startsWith('Secure Vault: admin_password (in [secrets] of repository/conf/deployment.toml) does not decrypt with repository/resources/security/new.jks (alias newkey)'))).toBeDefined();
  });
});

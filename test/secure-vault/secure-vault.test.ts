/**
 * Secure Vault on copies of real homes prepared the way `ciphertool.sh -Dconfigure` leaves them:
 * no clear password lands in a config file, the right alias gets `[new password]`, and moving the
 * keystore the vault encrypts with lists every secret to re-encrypt.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import type { ChangeSet } from '../../src/changes/types';
import { readProperties } from '../../src/edit/properties';
import { readHomeFiles } from '../../src/home/read-files';
import { parseXml, select } from '../../src/xml/document';
import { detectHome } from '../../src/home/layout';
import { verifyHome } from '../../src/cli/commands/verify';
import { copyHome, ensureBuilt, runCli } from '../helpers/home';
import { describeWithKeytool, genKeyPair } from '../helpers/keytool';
import { plan, target } from '../toml-homes/helpers';
import { cipherToolConfigure, tomlVault, vaultWithSharedListenerAlias } from './prepare';

const NEW = 'N3w&"pw<é';
const TRUST = 'Tru5t!pw';

/** Every spelling of a password that could land in a file. */
const spellings = (p: string) => [p, p.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;'), p.replace(/&/g, '&amp;').replace(/</g, '&lt;'), JSON.stringify(p).slice(1, -1)];

function expectNoClearPassword(cs: ChangeSet, allowed: (path: string) => boolean, ...passwords: string[]) {
  for (const f of cs.files) {
    if (allowed(f.path)) continue;
    const text = f.after.toString('latin1') + f.after.toString('utf8');
    for (const p of passwords) for (const s of spellings(p)) expect({ file: f.path, has: text.includes(s) }).toEqual({ file: f.path, has: false });
  }
}

const props = (cs: ChangeSet, rel: string) => Object.fromEntries(readProperties(cs.files.find((f) => f.path === rel)!.after.toString('latin1')).map((p) => [p.key, p.value]));

describe('4.4.x: IS 5.5.0 as shipped (Secure Vault not in use, cipher-text.properties in clear brackets)', () => {
  const CT = 'repository/conf/security/cipher-text.properties';
  it('nothing is encrypted, so nothing "becomes unreadable"; the bracketed old passwords are named as stale', async () => {
    const home = copyHome('is-5.5.0');
    const layout = detectHome(home);
    const files = await readHomeFiles(layout);
    const ks = target(home, 'newks', 'repository/resources/security/new.jks', { password: NEW, keyPassword: NEW });
    const cs = plan(layout, files, { primary: ks, tls: ks }, true);
    expect(cs.files.map((f) => f.path)).not.toContain(CT);
    const w = cs.warnings.join('\n');
    expect(w).not.toMatch(/becomes unreadable/);
    expect(w).toContain(
      `${CT} still holds the old password in brackets (not encrypted) for Carbon.Security.KeyStore.Password, Carbon.Security.KeyStore.KeyPassword, Server.Service.Connector.keystorePass. The server does not read them now, but bin/ciphertool.sh -Dconfigure would encrypt those old values and put their placeholders over the new passwords: before you run it, write the new passwords there (alias=[value]).`,
    );
    // The truststore's password did not change: its alias is not named.
    expect(w).not.toMatch(/for [^.]*Carbon\.Security\.TrustStore\.Password/);
    for (const s of spellings(NEW)) expect(w).not.toContain(s);
  });
});

describe('4.4.x: IS 5.5.0 after ciphertool -Dconfigure', () => {
  const CT = 'repository/conf/security/cipher-text.properties';
  async function setup() {
    const home = copyHome('is-5.5.0');
    const done = cipherToolConfigure(home);
    const layout = detectHome(home);
    return { home, layout, files: await readHomeFiles(layout), done };
  }

  it('the prepared home has the placeholders where the cipher tool puts them', async () => {
    const { files, done } = await setup();
    expect(done.sort()).toEqual(['Carbon.Security.KeyStore.KeyPassword', 'Carbon.Security.KeyStore.Password', 'Carbon.Security.TrustStore.Password', 'Server.Service.Connector.keystorePass']);
    const cat = files.get('repository/conf/tomcat/catalina-server.xml')!.toString('latin1');
    expect(cat).toMatch(/svns:secretAlias="Server\.Service\.Connector\.keystorePass"/);
    expect(cat).toMatch(/keystorePass="password"/);
  });

  it('primary, tls and truststore: placeholders stay, the aliases get [new password] in cipher-text.properties', async () => {
    const { home, layout, files } = await setup();
    const ks = target(home, 'newks', 'repository/resources/security/new.jks', { password: NEW, keyPassword: NEW, alias: 'newkey' });
    const tr = target(home, 'trust', 'repository/resources/security/trust.jks', { password: TRUST, keyPassword: TRUST, alias: undefined });
    const cs = plan(layout, files, { primary: ks, tls: ks, truststore: tr }, true);

    expectNoClearPassword(cs, (p) => p === CT, NEW, TRUST);
    const carbon = parseXml(cs.files.find((f) => f.path === 'repository/conf/carbon.xml')!.after.toString('latin1'));
    expect(select(carbon, 'Server/Security/KeyStore/Location')[0].text).toBe('${carbon.home}/repository/resources/security/new.jks');
    expect(select(carbon, 'Server/Security/KeyStore/Password')[0].text).toBe('password');
    expect(select(carbon, 'Server/Security/TrustStore/Password')[0].text).toBe('password');
    const cat = cs.files.find((f) => f.path === 'repository/conf/tomcat/catalina-server.xml')!.after.toString('latin1');
    expect(cat).toMatch(/keystoreFile="\$\{carbon\.home\}\/repository\/resources\/security\/new\.jks"/);
    expect(cat).toMatch(/keystorePass="password"/);

    const after = props(cs, CT);
    for (const a of ['Carbon.Security.KeyStore.Password', 'Carbon.Security.KeyStore.KeyPassword', 'Server.Service.Connector.keystorePass']) expect(after[a]).toBe(`[${NEW}]`);
    expect(after['Carbon.Security.TrustStore.Password']).toBe(`[${TRUST}]`);
    const before = Object.fromEntries(readProperties(files.get(CT)!.toString('latin1')).map((p) => [p.key, p.value]));
    expect(after['UserManager.AdminUser.Password']).toBe(before['UserManager.AdminUser.Password']);
    // é is written the way Properties.load (ISO-8859-1) reads it.
    expect(cs.files.find((f) => f.path === CT)!.after.toString('latin1')).toContain('\\u00E9');

    const w = cs.warnings.join('\n');
    expect(w).toMatch(/ciphertool\.sh -Dconfigure/);
    // No InternalKeyStore here: the primary keystore is the vault's; moving it means re-encrypting all.
    expect(w).toMatch(/must be re-encrypted with the cipher tool: UserManager\.AdminUser\.Password, Datasources\.WSO2_CARBON_DB\.Configuration\.Password/);
    expect(cs.secrets).not.toContain('password');

    const again = plan(layout, new Map([...files, ...cs.files.map((f) => [f.path, f.after] as const)]), { primary: ks, tls: ks, truststore: tr }, true);
    expect(again.files.every((f) => f.after.equals(f.before))).toBe(true);
  });

  it('refuses a new password the cipher tool would truncate (it contains "]")', async () => {
    const { home, layout, files } = await setup();
    const ks = target(home, 'newks', 'repository/resources/security/new.jks', { password: 'a]b', keyPassword: 'a]b' });
    expect(() => plan(layout, files, { tls: ks })).toThrow(expect.objectContaining({ code: 'VALUE_UNENCODABLE' }));
  });

  it('refuses to write over a Connector placeholder that cipher-tool.properties does not explain', async () => {
    const { home, layout, files } = await setup();
    const tool = 'repository/conf/security/cipher-tool.properties';
    const stripped = files.get(tool)!.toString('latin1').replace(/^Server\.Service\.Connector\.keystorePass=.*$/m, '');
    const ks = target(home, 'newks', 'repository/resources/security/new.jks');
    expect(() => plan(layout, new Map([...files, [tool, Buffer.from(stripped, 'latin1')]]), { tls: ks })).toThrow(expect.objectContaining({ code: 'SECRET_REFERENCE' }));
  });

  it('a key password Tomcat needs in clear next to the placeholder is added, with a warning', async () => {
    const { home, layout, files } = await setup();
    const ks = target(home, 'newks', 'repository/resources/security/new.jks', { password: NEW, keyPassword: 'other-key-pw' });
    const cs = plan(layout, files, { tls: ks });
    expect(cs.warnings.join('\n')).toMatch(/keyPass is added in clear next to a Secure Vault placeholder/);
    expectNoClearPassword(cs, (p) => p.endsWith('cipher-text.properties'), NEW);
  });
});

describe('4.4.x: APIM 2.2.0 with the axis2 https listener in Secure Vault', () => {
  it('the axis2 alias gets the new password; axis2.xml keeps its placeholder', async () => {
    const home = copyHome('apim-2.2.0');
    const map = (alias: string, el: string, field: string) => `Axis2.Https.${alias}.KeyStore.${field}=repository/conf/axis2/axis2.xml//axisconfig/${el}[@name='https']/parameter[@name='keystore']/KeyStore/${field},false`;
    cipherToolConfigure(home, 'repository/conf', [
      map('Listener', 'transportReceiver', 'Password'),
      map('Listener', 'transportReceiver', 'KeyPassword'),
      map('Sender', 'transportSender', 'Password'),
      map('Sender', 'transportSender', 'KeyPassword'),
    ]);
    const layout = detectHome(home);
    const files = await readHomeFiles(layout);
    const ks = target(home, 'newks', 'repository/resources/security/new.jks', { password: NEW, keyPassword: NEW });
    const cs = plan(layout, files, { axis2: ks });
    expectNoClearPassword(cs, (p) => p.endsWith('cipher-text.properties'), NEW);
    const ct = props(cs, 'repository/conf/security/cipher-text.properties');
    for (const a of ['Listener', 'Sender']) for (const f of ['Password', 'KeyPassword']) expect(ct[`Axis2.Https.${a}.KeyStore.${f}`]).toBe(`[${NEW}]`);
    const axis2 = cs.files.find((f) => f.path === 'repository/conf/axis2/axis2.xml')!.after.toString('latin1');
    expect(axis2).toMatch(/svns:secretAlias="Axis2\.Https\.Listener\.KeyStore\.Password"[^>]*>password</);
  });
});

describe('toml era: $secret{} + [secrets]', () => {
  const TOML = 'repository/conf/deployment.toml';
  async function setup(refs: Record<string, string>) {
    const home = copyHome('is-5.11.0');
    const p = join(home, TOML);
    writeFileSync(p, tomlVault(readFileSync(p, 'utf8'), refs, ['admin_password']));
    const layout = detectHome(home);
    return { home, layout, files: await readHomeFiles(layout) };
  }

  it('references stay; [secrets] gets "[new password]"; added password keys are references too', async () => {
    const { home, layout, files } = await setup({ 'keystore.primary|password': 'keystore_password', 'truststore|password': 'truststore_password' });
    const ks = target(home, 'newks', 'repository/resources/security/new.jks', { password: NEW, keyPassword: NEW, alias: 'newkey' });
    const tr = target(home, 'trust', 'repository/resources/security/trust.jks', { password: TRUST, keyPassword: TRUST, alias: undefined });
    const cs = plan(layout, files, { primary: ks, internal: ks, tls: ks, truststore: tr }, true);
    const text = cs.files[0].after.toString('utf8');
    const obj = parse(text) as Record<string, Record<string, Record<string, string>>>;
    expect(obj.keystore.primary.password).toBe('$secret{keystore_password}');
    expect(obj.keystore.primary.key_password).toBe('$secret{keystore_password}');
    expect(obj.keystore.tls.password).toBe('$secret{keystore_tls_password}');
    expect(obj.keystore.tls.key_password).toBe('$secret{keystore_tls_password}');
    expect((obj.truststore as unknown as Record<string, string>).password).toBe('$secret{truststore_password}');
    const secrets = obj.secrets as unknown as Record<string, string>;
    expect(secrets.keystore_password).toBe(`[${NEW}]`);
    expect(secrets.keystore_tls_password).toBe(`[${NEW}]`);
    expect(secrets.keystore_internal_password).toBe(`[${NEW}]`);
    expect(secrets.truststore_password).toBe(`[${TRUST}]`);
    // The clear password is only ever inside the brackets under [secrets].
    const withNew = text.split('\n').filter((l) => l.includes(JSON.stringify(NEW).slice(1, -1)) || l.includes(TRUST));
    expect(withNew.every((l) => /^\w+ = "\[.*\]"$/.test(l))).toBe(true);
    expect(withNew).toHaveLength(4);
    const w = cs.warnings.join('\n');
    expect(w).toMatch(/ciphertool\.sh -Dconfigure/);
    expect(w).toMatch(/must be re-encrypted with the cipher tool: admin_password \(in \[secrets\]/);
    const again = plan(layout, new Map([[TOML, cs.files[0].after]]), { primary: ks, internal: ks, tls: ks, truststore: tr }, true);
    expect(again.files[0].after.equals(again.files[0].before)).toBe(true);
  });

  it('values still in brackets under [secrets] are not encrypted: nothing "becomes unreadable" for them', async () => {
    const { home, layout, files } = await setup({ 'keystore.primary|password': 'keystore_password' });
    // As an admin leaves [secrets] before the first cipher-tool run: clear values in brackets.
    const clear = files.get(TOML)!.toString('utf8').replace(/^(\w+) = "[A-Za-z0-9+/=]{40,}"$/gm, '$1 = "[plain-value]"');
    expect(clear).toMatch(/^admin_password = "\[plain-value\]"$/m);
    const ks = target(home, 'newks', 'repository/resources/security/new.jks', { password: NEW, keyPassword: NEW, alias: 'newkey' });
    const cs = plan(layout, new Map([...files, [TOML, Buffer.from(clear)]]), { primary: ks, internal: ks }, true);
    const w = cs.warnings.join('\n');
    expect(w).toMatch(/internal data encryption moves from/);
    expect(w).not.toMatch(/becomes unreadable/);
  });

  it('refuses an alias shared with a setting the plan leaves alone', async () => {
    const { home, layout, files } = await setup({ 'keystore.primary|password': 'keystore_password' });
    const text = files.get(TOML)!.toString('utf8').replace('[truststore]\n', '[keystore.tls]\npassword = "$secret{keystore_password}"\n\n[truststore]\n');
    const ks = target(home, 'newks', 'repository/resources/security/new.jks', { password: NEW, keyPassword: NEW });
    expect(() => plan(layout, new Map([...files, [TOML, Buffer.from(text)]]), { primary: ks }, true)).toThrow(
      expect.objectContaining({ code: 'PLAN_INVALID', message: expect.stringMatching(/keystore_password is also used by \[keystore\.tls\]\.password/) }),
    );
  });

  it('accepts it when the alias keeps its value: a new keystore with the password it already holds (in brackets)', async () => {
    const { home, layout, files } = await setup({ 'keystore.primary|password': 'keystore_password' });
    const text = files
      .get(TOML)!
      .toString('utf8')
      .replace('[truststore]\n', '[keystore.tls]\npassword = "$secret{keystore_password}"\n\n[truststore]\n')
      .replace(/^keystore_password = .*$/m, `keystore_password = "[${NEW.replace(/"/g, '\\"')}]"`);
    const ks = target(home, 'newks', 'repository/resources/security/new.jks', { password: NEW, keyPassword: NEW });
    const cs = plan(layout, new Map([...files, [TOML, Buffer.from(text)]]), { primary: ks }, true);
    expect((parse(cs.files[0].after.toString('utf8')) as { keystore: { primary: { file_name: string } } }).keystore.primary.file_name).toBe('new.jks');
  });

  it('refuses "]" in a password that must go through [secrets]', async () => {
    const { home, layout, files } = await setup({ 'keystore.primary|password': 'keystore_password' });
    const ks = target(home, 'newks', 'repository/resources/security/new.jks', { password: 'x]y', keyPassword: 'x]y' });
    expect(() => plan(layout, files, { primary: ks }, true)).toThrow(expect.objectContaining({ code: 'VALUE_UNENCODABLE' }));
  });
});

describe('verify on a 4.4.x home after ciphertool -Dconfigure (IS 5.5.0)', () => {
  it('the Connector placeholder is not taken for the password: tls is "in Secure Vault; not checked", exit 0', async () => {
    const home = copyHome('is-5.5.0');
    cipherToolConfigure(home);
    const lines = await verifyHome(detectHome(home));
    const tls = lines.find((l) => l.function === 'tls')!;
    expect(tls).toMatchObject({ ok: true, message: 'password is in Secure Vault (Server.Service.Connector.keystorePass); not checked' });
    expect(lines.filter((l) => !l.ok)).toEqual([]);
  });
});

describeWithKeytool('verify: cipher-text.properties still holding the old password in brackets (IS 5.5.0 as shipped)', () => {
  it('is said on the settings it concerns after the apply that left it, every time verify runs', () => {
    ensureBuilt();
    const home = copyHome('is-5.5.0');
    const before = runCli(['verify', home, '--json']);
    expect(JSON.stringify(JSON.parse(before.stdout).checks)).not.toContain('older) value in brackets');
    genKeyPair({ file: join(home, 'repository/resources/security/new.jks'), storeType: 'JKS', storePass: 'NewStore-pw1', alias: 'newkey' });
    const plan = join(home, 'plan.json');
    writeFileSync(plan, JSON.stringify({ version: 1, keystores: { n: { path: 'repository/resources/security/new.jks', password: { env: 'P' }, alias: 'newkey' } }, functions: { tls: 'n' } }));
    expect(runCli(['apply', '--plan', plan, home, '--yes', '--json'], { env: { P: 'NewStore-pw1' } }).code).toBe(0);

    const r = runCli(['verify', home, '--json']);
    expect(r.code).toBe(0);
    const checks = JSON.parse(r.stdout).checks as Array<{ function: string; warnings: string[] }>;
    const said = (fn: string) => checks.filter((c) => c.function === fn).flatMap((c) => c.warnings).filter((w) => w.includes('older) value in brackets'));
    expect(said('tls')).toEqual([
      'repository/conf/security/cipher-text.properties holds another (older) value in brackets for Server.Service.Connector.keystorePass: the server reads this file\'s password now, but ciphertool.sh -Dconfigure would encrypt that old value and put its placeholder over this password. Write the current password there first (Server.Service.Connector.keystorePass=[value]).',
    ]);
    expect(said('primary')).toEqual([]);
    expect(r.stdout).not.toContain('NewStore-pw1');
  });
});

describe('4.4.x: a Secure Vault alias shared with another setting (EI 6.2.0)', () => {
  const CT = 'conf/security/cipher-text.properties';
  async function setup() {
    const home = copyHome('ei-6.2.0');
    vaultWithSharedListenerAlias(home);
    const layout = detectHome(home);
    return { home, layout, files: await readHomeFiles(layout) };
  }
  const ks = (home: string, name: string) => target(home, name, `repository/resources/security/${name}.jks`, { password: `${name}-pw`, keyPassword: `${name}-pw`, alias: `${name}key` });

  it('a plan that gives it a new password for primary only is refused: the listener would break', async () => {
    const { home, layout, files } = await setup();
    const stock = target(home, 'wso2carbon', 'repository/resources/security/wso2carbon.jks', { password: 'wso2carbon', keyPassword: 'wso2carbon', alias: 'wso2carbon' });
    expect(() => plan(layout, files, { primary: ks(home, 'newks'), internal: stock }, true)).toThrow(
      expect.objectContaining({
        code: 'PLAN_INVALID',
        message: expect.stringMatching(/^a Secure Vault alias this plan gives a new password is also used by conf\/axis2\/axis2\.xml:\d+ .*KeyStore\/Password \(Carbon\.Security\.KeyStore\.Password\), which this plan does not change/),
      }),
    );
  });

  it('two settings on the alias given different passwords are refused', async () => {
    const { home, layout, files } = await setup();
    expect(() => plan(layout, files, { primary: ks(home, 'newks'), axis2: ks(home, 'other') }, true)).toThrow(
      expect.objectContaining({ code: 'PLAN_INVALID', message: expect.stringMatching(/^the Secure Vault alias Carbon\.Security\.KeyStore\.Password holds .* which this plan gives different passwords$/) }),
    );
  });

  it('both given the same keystore: accepted, the alias gets that one password', async () => {
    const { home, layout, files } = await setup();
    const n = ks(home, 'newks');
    const cs = plan(layout, files, { primary: n, axis2: n }, true);
    expect(props(cs, CT)['Carbon.Security.KeyStore.Password']).toBe('[newks-pw]');
  });
});

describe('4.4.x: an InternalKeyStore block added to a carbon.xml whose passwords are in Secure Vault (IS 5.5.0)', () => {
  const SAID = 'the Security/InternalKeyStore block added holds its Password and KeyPassword in clear, while the primary KeyStore\'s are in Secure Vault (Carbon.Security.KeyStore.Password)';
  it('is said, with what to do to keep them out of the file', async () => {
    const home = copyHome('is-5.5.0');
    cipherToolConfigure(home);
    const layout = detectHome(home);
    const cs = plan(layout, await readHomeFiles(layout), { internal: target(home, 'int', 'repository/resources/security/int.jks', { password: 'IntPw33', keyPassword: 'IntPw33', alias: 'intkey' }) }, true);
    expect(cs.warnings.join('\n')).toContain(`repository/conf/carbon.xml: ${SAID}`);
  });

  it('not where the primary\'s passwords are in clear (as shipped)', async () => {
    const home = copyHome('is-5.5.0');
    const layout = detectHome(home);
    const cs = plan(layout, await readHomeFiles(layout), { internal: target(home, 'int', 'repository/resources/security/int.jks', { password: 'IntPw33', keyPassword: 'IntPw33', alias: 'intkey' }) }, true);
    expect(cs.warnings.join('\n')).not.toContain('block added holds its Password');
  });
});

describe('verify on vaulted homes: what the server could not resolve, and what it need not', () => {
  it('4.4.x: an alias with no value in cipher-text.properties is a FAIL that names it', async () => {
    const home = copyHome('ei-6.2.0');
    cipherToolConfigure(home, 'conf');
    const ct = join(home, 'conf/security/cipher-text.properties');
    writeFileSync(ct, readFileSync(ct, 'latin1').replace(/^Server\.Service\.Connector\.keystorePass=.*\n/m, ''), 'latin1');
    const tls = (await verifyHome(detectHome(home))).find((l) => l.function === 'tls')!;
    expect(tls).toMatchObject({ ok: false, message: 'its Secure Vault alias Server.Service.Connector.keystorePass has no value in conf/security/cipher-text.properties: the server cannot resolve this password' });
  });

  it('toml era: a $secret{} alias missing from [secrets] is a FAIL', async () => {
    const home = copyHome('is-5.11.0');
    const p = join(home, 'repository/conf/deployment.toml');
    writeFileSync(p, tomlVault(readFileSync(p, 'utf8'), { 'keystore.primary|password': 'keystore_password' }).replace(/^keystore_password = .*\n/m, ''));
    const primary = (await verifyHome(detectHome(home))).find((l) => l.function === 'primary')!;
    expect(primary).toMatchObject({ ok: false, message: 'its Secure Vault alias keystore_password has no value in [secrets] of repository/conf/deployment.toml: the server cannot resolve this password' });
  });

  it('4.4.x: only the key password in the vault: the store is opened, the key password not taken from the placeholder', async () => {
    const home = copyHome('ei-6.2.0');
    const kp = "Axis2.Https.Listener.KeyStore.KeyPassword=conf/axis2/axis2.xml//axisconfig/transportReceiver[@name='https']/parameter[@name='keystore']/KeyStore/KeyPassword,false";
    // Only that alias: the rest of cipher-tool.properties is left out of this home.
    writeFileSync(join(home, 'conf/security/cipher-tool.properties'), '');
    cipherToolConfigure(home, 'conf', [kp]);
    const axis2 = (await verifyHome(detectHome(home))).find((l) => l.function === 'axis2' && l.path === 'conf/axis2/axis2.xml')!;
    expect(axis2).toMatchObject({ ok: true, message: 'JKS opens with its password; key "wso2carbon" is there, its password is in Secure Vault (Axis2.Https.Listener.KeyStore.KeyPassword); not checked' });
  });
});

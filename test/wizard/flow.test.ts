/**
 * Flow branches through the prompt seam (a scripted Prompter), on copies of fixture homes with
 * keystores made by keytool: the ones that take many keystrokes or special keystores in a terminal.
 */
import { parse } from 'smol-toml';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTERNAL_KEYSTORE_ADVICE, INTERNAL_KEYSTORE_CONSEQUENCES } from '../../src/changes/plan-changes';
import * as apply from '../../src/cli/commands/apply';
import { isKsError } from '../../src/errors';
import { runSetup } from '../../src/wizard/setup-flow';
import { FIXTURES } from '../helpers/home';
import { describeWithKeytool, genKeyPair, keytool, tmpDir } from '../helpers/keytool';
import { copyConfTree, differences, snapshot } from './pty';
import { cipherToolConfigure } from '../secure-vault/prepare';
import { fakeIo, scriptedPrompter, type Step } from './scripted';

const SEC = 'repository/resources/security';
const PASS = 'flow-pass';
let work: string;

beforeAll(() => {
  work = tmpDir('wizard-flow');
  genKeyPair({ file: join(work, 'tls.p12'), storeType: 'PKCS12', storePass: PASS, alias: 'tlskey' });
  genKeyPair({ file: join(work, 'sign.jks'), storeType: 'JKS', storePass: PASS, keyPass: 'sign-key-pass', alias: 'signkey' });
  genKeyPair({ file: join(work, 'old.p12'), storeType: 'PKCS12', storePass: PASS, alias: 'oldkey', startdate: '-400d', validity: 30 });
  // A truststore-like keystore: one trusted certificate, no private key.
  const der = join(work, 'tls.cer');
  keytool(['-exportcert', '-alias', 'tlskey', '-keystore', join(work, 'tls.p12'), '-storepass', PASS, '-file', der]);
  keytool(['-importcert', '-noprompt', '-alias', 'partner', '-file', der, '-keystore', join(work, 'trust.p12'), '-storetype', 'PKCS12', '-storepass', PASS]);
});

/** A kernel 4.4.40 home (it has Security/InternalKeyStore) with EI's keystores put in place. */
function kernelHome(extra: string[]): string {
  const dir = copyConfTree(join(FIXTURES, 'carbon-kernel-4.4.40'), tmpDir('flow-home'));
  mkdirSync(join(dir, SEC), { recursive: true });
  for (const f of ['wso2carbon.jks', 'client-truststore.jks']) copyFileSync(join(FIXTURES, 'ei-6.2.0', SEC, f), join(dir, SEC, f));
  for (const f of extra) copyFileSync(join(work, f), join(dir, SEC, f));
  return dir;
}

/** An APIM 3.2.0 home (deployment.toml) with tls.p12 put in place. */
function tomlHome(): string {
  const dir = copyConfTree(join(FIXTURES, 'apim-3.2.0'), tmpDir('flow-toml'));
  mkdirSync(join(dir, SEC), { recursive: true });
  copyFileSync(join(work, 'tls.p12'), join(dir, SEC, 'tls.p12'));
  return dir;
}

async function run(dir: string, steps: Step[], opts: { dryRun?: boolean; savePlan?: string } = {}) {
  const { prompt, asked, left } = scriptedPrompter(steps);
  const f = fakeIo(dir);
  const build = jest.spyOn(apply, 'buildChangeSet');
  let code: number | undefined;
  let error: unknown;
  try {
    code = await runSetup({ io: f.io, out: f.out, prompt }, { home: dir, ...opts });
  } catch (e) {
    error = e;
  }
  const builds = build.mock.calls.length;
  build.mockRestore();
  return { code, error, asked, left: left(), stdout: f.stdout(), builds };
}

const keystore = (file: string, password: string | string[] = PASS): Step[] => [
  { input: /Path of the new keystore/, answer: `${SEC}/${file}` },
  { password: /Store password/, answer: password },
];
/** A keystore with a private key `alias` whose key password is the store password. */
const keyEntry = (file: string, alias: string, password: string | string[] = PASS): Step[] => [
  ...keystore(file, password),
  { select: /Key alias/, answer: alias },
  { select: /Key password/, answer: true },
];

/** tls.p12 (key tlskey) as the only new keystore, serving `functions` ('defaults': the boxes as ticked). */
const tlsServing = (functions: string[] | 'defaults'): Step[] => [
  ...keyEntry('tls.p12', 'tlskey'),
  { confirm: /Add another keystore/, answer: false },
  { checkbox: /Which functions/, answer: functions },
];

describeWithKeytool('wizard flow', () => {
  test('a home with InternalKeyStore offers internal (unticked) and changing primary does not touch it', async () => {
    const dir = kernelHome(['tls.p12']);
    const r = await run(dir, [
      ...tlsServing('defaults'),
      { confirm: /Import it into/, answer: false },
      { confirm: /Apply these changes/, answer: true },
      { confirm: /Save these answers/, answer: false },
    ]);
    expect(r.error).toBeUndefined();
    expect(r.code).toBe(0);
    // One change set with the truststore import (the guard's) and, the import declined, one without it.
    expect(r.builds).toBe(2);
    const box = r.asked.find((a) => a.kind === 'checkbox')!;
    expect(box.choices!.map((c) => [c.value, Boolean(c.checked)])).toEqual([
      ['primary', true],
      ['internal', false],
      ['tls', true], // no axis2: the kernel's https transport is commented out
      ['truststore', false],
    ]);
    expect(r.stdout).not.toContain('WARNING');
    const carbon = readFileSync(join(dir, 'repository/conf/carbon.xml'), 'utf8');
    const internal = /<InternalKeyStore>[\s\S]*?<\/InternalKeyStore>/.exec(carbon)![0];
    expect(internal).toContain('wso2carbon.jks');
    expect(carbon).toContain('<KeyAlias>tlskey</KeyAlias>');
  });

  test('accepting the truststore import builds the change set once: the guard\'s build is the one previewed', async () => {
    const dir = kernelHome(['tls.p12']);
    const r = await run(dir, [
      ...tlsServing('defaults'),
      { confirm: /Import it into/, answer: true },
      { confirm: /Apply these changes/, answer: false },
    ]);
    expect(r.error).toBeUndefined();
    expect(r.left).toBe(0);
    expect(r.code).toBe(1);
    expect(r.builds).toBe(1);
    expect(r.stdout).toMatch(/repository\/resources\/security\/client-truststore\.jks {2}trusted certificate: \(added\) → tlskey/);
  });

  test('choosing internal shows the warning; declining keeps InternalKeyStore and goes on with the rest', async () => {
    const dir = kernelHome(['tls.p12']);
    const r = await run(dir, [
      ...tlsServing(['internal', 'tls']),
      { confirm: /Change the internal-encryption keystore anyway/, answer: 'default' },
      { confirm: /Import it into/, answer: false },
      { confirm: /Apply these changes/, answer: false },
    ]);
    expect(r.code).toBe(1);
    // The planner's refusal and this warning share one wording of what the change costs (src/changes).
    const warning = r.stdout.slice(r.stdout.indexOf('WARNING: this changes the keystore that encrypts internal data.'), r.stdout.indexOf('Kept:'));
    expect(warning).toContain('  now:   ${carbon.home}/repository/resources/security/wso2carbon.jks (alias wso2carbon)');
    expect(warning.replace(/\s+/g, ' ')).toContain(`${INTERNAL_KEYSTORE_CONSEQUENCES}. ${INTERNAL_KEYSTORE_ADVICE}.`);
    expect(Math.max(...warning.split('\n').map((l) => l.length))).toBeLessThanOrEqual(106);
    expect(r.stdout).toContain('Kept: the current keystore stays in place for internal.');
    expect(r.stdout).not.toContain('+++ b/repository/conf/carbon.xml');
    expect(r.stdout).toContain('+++ b/repository/conf/tomcat/catalina-server.xml');
    expect(r.stdout).toContain('Nothing was written.');
  });

  test('other settings on the replaced keystore are listed whole from the change set, even with "; " in a path', async () => {
    const dir = kernelHome(['tls.p12']);
    // sslprofiles.xml (APIM's) in its usual place, and a copy in a folder whose name holds "; ", the
    // separator of the "still pointing" warning: the wizard lists the change set's entries, not pieces of that text.
    const odd = 'repository/conf/extra; old';
    mkdirSync(join(dir, odd));
    for (const to of [SEC, odd]) copyFileSync(join(FIXTURES, 'apim-2.2.0', SEC, 'sslprofiles.xml'), join(dir, to, 'sslprofiles.xml'));
    const r = await run(
      dir,
      [
        ...tlsServing('defaults'),
        { confirm: /Import it into/, answer: false },
        { confirm: /Move them to the new keystore too/, answer: true },
        { confirm: /Save these answers/, answer: false },
      ],
      { dryRun: true },
    );
    expect(r.error).toBeUndefined();
    expect(r.left).toBe(0);
    const setting = 'parameter[customSSLProfiles]/profile/KeyStore/Location (repository/resources/security/wso2carbon.jks)';
    const listed = r.stdout.slice(r.stdout.indexOf('other setting(s) outside the functions above')).split('\n');
    expect(listed.slice(0, 3)).toEqual([
      'other setting(s) outside the functions above use the keystore being replaced:',
      `  ${odd}/sslprofiles.xml:6 ${setting}`,
      `  ${SEC}/sslprofiles.xml:6 ${setting}`,
    ]);
    expect(r.stdout).toContain('\n2 other setting(s) outside the functions above use the keystore being replaced:\n');
    // Moved with "alsoUpdate": "sameFile" after the yes: both files are in the preview.
    expect(r.stdout).toContain(`+++ b/${odd}/sslprofiles.xml`);
    expect(r.stdout).toContain(`+++ b/${SEC}/sslprofiles.xml`);
  });

  /** tls.p12 and sign.jks (whose key has its own password), then primary on sign and tls on tls. */
  const tlsAndSign = (sameGuess: boolean, keyPassword: string | string[]) => [
    ...keyEntry('tls.p12', 'tlskey'),
    { confirm: /Add another keystore/, answer: true },
    ...keystore('sign.jks'),
    { select: /Key alias/, answer: 'signkey' },
    { select: /Key password/, answer: sameGuess },
    { password: /Key password of "signkey"/, answer: keyPassword },
    { confirm: /Add another keystore/, answer: false },
    { checkbox: /Which functions should the new keystores serve/, answer: ['primary', 'tls'] },
    { select: /Which keystore for primary/, answer: 'sign' },
    { select: /Which keystore for tls/, answer: 'tls' },
  ];

  test('two keystores: each function picks one; a different key password is asked for and saved as its own variable', async () => {
    const dir = kernelHome(['tls.p12', 'sign.jks']);
    const planFile = join(dir, 'plan.json');
    const r = await run(
      dir,
      [
        ...tlsAndSign(true, ['nope', 'sign-key-pass']), // "same as the store password": a wrong guess, so the wizard asks
        { confirm: /Import it into/, answer: false },
        { confirm: /Use these variable names/, answer: true },
      ],
      { dryRun: true, savePlan: planFile },
    );
    expect(r.error).toBeUndefined();
    expect(r.stdout).toContain('The store password does not open the key "signkey"');
    const keyPrompt = r.asked.find((a) => /Key password of/.test(a.message))!;
    expect(keyPrompt.rejections[0]).toMatch(/key password given for "signkey" .* is wrong/);
    // --save-plan: no file-name question; the proposed variable names accepted.
    expect(r.left).toBe(0);
    expect(r.stdout).toContain('sign: WSO2KS_SIGN_PASS, key password WSO2KS_SIGN_KEY_PASS');
    const plan = JSON.parse(readFileSync(planFile, 'utf8'));
    expect(plan.functions).toEqual({ primary: 'sign', tls: 'tls' });
    expect(plan.keystores.sign.keyPassword).toEqual({ env: 'WSO2KS_SIGN_KEY_PASS' });
    expect(plan.keystores.tls.keyPassword).toBeUndefined();
  });

  test('two keystores: the "move them too" question says which keystore they would go to', async () => {
    const dir = kernelHome(['tls.p12', 'sign.jks']);
    copyFileSync(join(FIXTURES, 'apim-2.2.0', SEC, 'sslprofiles.xml'), join(dir, SEC, 'sslprofiles.xml'));
    const r = await run(
      dir,
      [
        ...tlsAndSign(false, 'sign-key-pass'),
        { confirm: /Import it into/, answer: false },
        { confirm: /Move them to/, answer: true },
        { confirm: /Save these answers/, answer: false },
      ],
      { dryRun: true },
    );
    expect(r.error).toBeUndefined();
    expect(r.left).toBe(0);
    const question = r.asked.find((a) => /Move them to/.test(a.message))!.message;
    expect(question).toBe('Move them to the keystore that now serves the function they shared the old file with too (with its password), where this tool can?');
    // It served primary and tls, which now get different keystores: listed, not guessed, and said once.
    expect(r.stdout).toMatch(/sslprofiles\.xml:6 .*it served (primary and tls|tls and primary), which get different keystores/);
    expect(r.stdout).not.toContain(`+++ b/${SEC}/sslprofiles.xml`);
  });

  test('a keystore without a private key can serve only as the truststore', async () => {
    const dir = kernelHome(['trust.p12']);
    const r = await run(dir, [
      ...keystore('trust.p12'),
      { confirm: /Add another keystore/, answer: false },
      { checkbox: /Which functions/, answer: ['truststore'] },
      { confirm: /Apply these changes/, answer: false },
    ]);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toContain('It holds no private key, so it can serve only as a truststore.');
    const box = r.asked.find((a) => a.kind === 'checkbox')!;
    expect(box.choices!.filter((c) => !c.disabled).map((c) => c.value)).toEqual(['truststore']);
    expect(box.choices!.find((c) => c.value === 'primary')!.disabled).toBe('(needs a keystore with a private key)');
  });

  test('an expired certificate is refused unless the user insists; a wrong store password is re-asked with the reason', async () => {
    const dir = kernelHome(['old.p12', 'tls.p12']);
    const before = snapshot(dir);
    const r = await run(dir, [
      ...keyEntry('old.p12', 'oldkey', ['wrong', PASS]),
      { confirm: /has expired.*Use it anyway/, answer: 'default' },
      ...keyEntry('tls.p12', 'tlskey'),
      { ctrlC: /Add another keystore/ },
    ]);
    expect(isKsError(r.error) && r.error.code).toBe('ABORTED');
    const pw = r.asked.find((a) => a.kind === 'password')!;
    expect(pw.rejections).toEqual([expect.stringMatching(/Keystore was tampered with, or password was incorrect\. Ctrl-U clears what you typed; try again/)]);
    expect(r.stdout).toContain('warning: certificate expired on');
    expect(differences(before, snapshot(dir))).toEqual([]);
  });

  test('a deployment.toml home goes through the same core: only deployment.toml changes', async () => {
    const dir = tomlHome();
    const before = snapshot(dir);
    const r = await run(dir, [
      ...tlsServing(['tls']),
      { confirm: /Import it into/, answer: false },
      { confirm: /Apply these changes/, answer: true },
      { confirm: /Save these answers/, answer: false },
    ]);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toContain('deployment.toml');
    expect(differences(before, snapshot(dir))).toEqual(['repository/conf/deployment.toml']);
  });

  test('a deployment.toml home: the planner\'s internal-keystore refusal is asked about; "leave primary" drops it and goes on', async () => {
    // [keystore.internal] is not set in APIM 3.2.0's toml: it follows [keystore.primary], so moving
    // primary moves internal encryption. There is no carbon.xml to read that from: the planner says it.
    const dir = tomlHome();
    const before = snapshot(dir);
    const r = await run(dir, [
      ...tlsServing(['primary', 'tls']),
      { select: /What should encrypt internal data/, answer: 'drop' },
      { confirm: /Import it into/, answer: false },
      { confirm: /Apply these changes/, answer: false },
    ]);
    expect(r.error).toBeUndefined();
    expect(r.left).toBe(0);
    expect(r.code).toBe(1);
    const warning = r.stdout.slice(r.stdout.indexOf('WARNING: '), r.stdout.indexOf('Kept:'));
    // Wrapped to the wizard's width, like its other warnings.
    expect(Math.max(...warning.split('\n').map((l) => l.length))).toBeLessThanOrEqual(106);
    const flat = warning.replace(/\s+/g, ' ');
    expect(flat).toContain('WARNING: this plan changes the keystore that encrypts internal data, [keystore.internal] (not set in repository/conf/deployment.toml, so it follows [keystore.primary])');
    expect(flat).toContain(`${INTERNAL_KEYSTORE_CONSEQUENCES}.`);
    expect(warning).not.toContain('add "internal" to the plan'); // the plan file's hint; the wizard offers it as a choice
    expect(r.stdout).toContain('Kept: the current keystore stays in place for primary.\n');
    // The refused build, the one after the answer (with the truststore import), and, that declined, one without.
    expect(r.builds).toBe(3);
    // tls alone goes on: [keystore.tls] changes, [keystore.primary] (and so internal encryption) does not.
    expect(r.stdout).toContain('[keystore.tls].file_name: wso2carbon.jks → tls.p12');
    expect(r.stdout).not.toMatch(/\[keystore\.(primary|internal)\]\.\w+: /);
    expect(r.stdout).toContain('Nothing was written.');
    expect(differences(before, snapshot(dir))).toEqual([]);
  });

  test('a deployment.toml home: declining the refusal when primary was the only function writes nothing', async () => {
    const dir = tomlHome();
    const before = snapshot(dir);
    const r = await run(dir, [
      ...tlsServing(['primary']),
      { select: /What should encrypt internal data/, answer: 'drop' },
    ]);
    expect(r.error).toBeUndefined();
    expect(r.left).toBe(0);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Kept: the current keystore stays in place for primary.\nNothing else to change. Nothing was written.\n');
    expect(differences(before, snapshot(dir))).toEqual([]);
  });

  test('a deployment.toml home whose primary password is encrypted in the vault: keeping it cannot be offered, the yes/no question is asked', async () => {
    const dir = tomlHome();
    const toml = join(dir, 'repository/conf/deployment.toml');
    const text = readFileSync(toml, 'utf8');
    writeFileSync(
      toml,
      text.replace('[keystore.tls]', '[keystore.primary]\nfile_name = "wso2carbon.jks"\ntype = "JKS"\npassword = "$secret{keystore_password}"\nalias = "wso2carbon"\nkey_password = "$secret{keystore_password}"\n\n[keystore.tls]') +
        '\n[secrets]\nkeystore_password = "V2hhdGV2ZXIgdGhlIGNpcGhlciB0b29sIHdyb3Rl"\n',
    );
    const before = snapshot(dir);
    const r = await run(dir, [
      ...tlsServing(['primary']),
      { confirm: /Change the internal-encryption keystore anyway/, answer: false },
    ]);
    expect(r.error).toBeUndefined();
    expect(r.left).toBe(0); // no "What should encrypt internal data?" select: its default needs the password
    expect(r.code).toBe(1);
    const flat = r.stdout.replace(/\s+/g, ' ');
    expect(flat).toContain('To keep internal encryption where it is, answer No and run the wizard again with the keystore it uses now added as a second keystore');
    expect(flat).not.toContain('add "internal" to the plan'); // the plan file's hint
    expect(r.stdout).toContain('Kept: the current keystore stays in place for primary.');
    expect(differences(before, snapshot(dir))).toEqual([]);
  });

  test('a deployment.toml home: keeping internal encryption where it is (the default) writes [keystore.internal] for wso2carbon.jks and moves primary', async () => {
    const dir = tomlHome();
    const r = await run(dir, [
      ...tlsServing(['primary']),
      { select: /What should encrypt internal data/, answer: 'default' },
      { confirm: /Import it into/, answer: false },
      { confirm: /Apply these changes/, answer: true },
      { confirm: /Save these answers/, answer: false },
    ]);
    expect(r.error).toBeUndefined();
    expect(r.left).toBe(0);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Kept: internal data stays encrypted with repository/resources/security/wso2carbon.jks (alias wso2carbon); [keystore.internal] will name it.');
    expect(r.stdout).not.toContain('internal data encryption moves');
    const toml = parse(readFileSync(join(dir, 'repository/conf/deployment.toml'), 'utf8')) as { keystore: Record<string, Record<string, string>> };
    expect(toml.keystore.primary).toMatchObject({ file_name: 'tls.p12', alias: 'tlskey' });
    expect(toml.keystore.internal).toEqual({ file_name: 'wso2carbon.jks', type: 'JKS', password: 'wso2carbon', alias: 'wso2carbon', key_password: 'wso2carbon' });
  });

  test('a deployment.toml home: the kept internal keystore is in the saved plan, so the other nodes keep it too', async () => {
    const dir = tomlHome();
    const planFile = join(dir, 'saved.json');
    const r = await run(
      dir,
      [
        ...tlsServing(['primary']),
        { select: /What should encrypt internal data/, answer: 'keep' },
        { confirm: /Import it into/, answer: false },
        { confirm: /Use these variable names/, answer: true },
      ],
      { dryRun: true, savePlan: planFile },
    );
    expect(r.error).toBeUndefined();
    expect(r.left).toBe(0);
    const saved = JSON.parse(readFileSync(planFile, 'utf8'));
    expect(saved.functions).toEqual({ primary: 'tls', internal: 'wso2carbon' });
    // Its expired certificate (the stock one) does not matter to encryption: allowed, explicitly.
    expect(saved.keystores.wso2carbon).toEqual({ path: `${SEC}/wso2carbon.jks`, type: 'JKS', password: { env: 'WSO2KS_WSO2CARBON_PASS' }, alias: 'wso2carbon', allowExpired: true });
    expect(saved.confirmInternalKeystoreChange).toBeUndefined();
  });

  test('--dry-run on a home whose catalina-server.xml is a symlink out of HOME refuses before the preview, as the apply would', async () => {
    const dir = kernelHome(['tls.p12']);
    // The file lives outside HOME and is linked in, as a ConfigMap mount would be.
    const outside = join(tmpDir('flow-outside'), 'catalina-server.xml');
    renameSync(join(dir, 'repository/conf/tomcat/catalina-server.xml'), outside);
    symlinkSync(outside, join(dir, 'repository/conf/tomcat/catalina-server.xml'));
    const before = snapshot(dir);
    const original = readFileSync(outside);
    const r = await run(dir, [...tlsServing(['tls']), { confirm: /Import it into/, answer: false }], { dryRun: true });
    expect(r.left).toBe(0);
    expect(isKsError(r.error) && { code: r.error.code, message: r.error.message }).toEqual({
      code: 'FILE_SYMLINK',
      message: `is a symlink that points outside HOME (to ${realpathSync(outside)}); it is not changed`,
    });
    expect(r.stdout).not.toContain('+++ b/');
    expect(r.stdout).not.toContain('Dry run');
    expect(differences(before, snapshot(dir))).toEqual([]);
    expect(readFileSync(outside)).toEqual(original);
    expect(existsSync(join(dir, '.wso2-keystore'))).toBe(false);
  });

  test('the saved plan holds only {"env"} references, never a typed password', async () => {
    const dir = kernelHome(['sign.jks']);
    const planFile = join(dir, 'saved.json');
    writeFileSync(planFile, 'old');
    const r = await run(
      dir,
      [
        ...keystore('sign.jks'),
        { select: /Key alias/, answer: 'signkey' },
        { select: /Key password/, answer: false },
        { password: /Key password of "signkey"/, answer: 'sign-key-pass' },
        { confirm: /Add another keystore/, answer: false },
        { checkbox: /Which functions/, answer: ['tls'] },
        { confirm: /Import it into/, answer: false },
        { confirm: /Use these variable names/, answer: false },
        { input: /store password of sign/, answer: ['1BAD', 'SIGN_PASS'] },
        { input: /key password of sign/, answer: 'SIGN_KEY_PASS' },
        { confirm: /exists\. Overwrite it/, answer: true },
      ],
      { dryRun: true, savePlan: planFile },
    );
    expect(r.error).toBeUndefined();
    const text = readFileSync(planFile, 'utf8');
    expect(text).not.toContain(PASS);
    expect(text).not.toContain('sign-key-pass');
    expect(JSON.parse(text).keystores.sign).toEqual({ path: `${SEC}/sign.jks`, type: 'JKS', password: { env: 'SIGN_PASS' }, alias: 'signkey', keyPassword: { env: 'SIGN_KEY_PASS' } });
    expect(r.stdout).toContain('read -rs SIGN_KEY_PASS && export SIGN_KEY_PASS');
  });
});

describeWithKeytool('wizard flow on a home whose passwords are in Secure Vault', () => {
  test('the closing check does not count settings it could not open as opened', async () => {
    const dir = kernelHome(['tls.p12']);
    for (const f of ['cipher-tool.properties', 'cipher-text.properties']) copyFileSync(join(FIXTURES, 'is-5.5.0', 'repository/conf/security', f), join(dir, 'repository/conf/security', f));
    cipherToolConfigure(dir);
    const r = await run(dir, [
      ...tlsServing(['tls']),
      // The truststore's password is in Secure Vault too: no import is offered.
      { confirm: /Apply these changes/, answer: true },
      { confirm: /Save these answers/, answer: false },
    ]);
    expect(r.error).toBeUndefined();
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('Verify: '))!;
    expect(line).toMatch(/^Verify: (\d+) of (\d+) keystore settings open with the passwords and aliases the files now hold; (\d+) not checked, their passwords being in Secure Vault or the environment \(.*tls.*\)\.$/);
    const [, opened, all, unchecked] = /^Verify: (\d+) of (\d+) .*; (\d+) not checked/.exec(line)!.map(Number);
    expect(opened + unchecked).toBe(all);
  });
});

/**
 * The wizard end to end: the built CLI in a real pseudo-terminal, on copies of fixture homes, with
 * keystores made by keytool at test time. Each test asserts on what the screen shows and on the
 * files afterwards.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/home';
import { describeWithKeytool, genKeyPair, keytool, tmpDir } from '../helpers/keytool';
import { CLI, KEY, PtySession, copyConfTree, differences, ensureBuilt, snapshot } from '../wizard/pty';

const EI = join(FIXTURES, 'ei-6.2.0');
const APIM = join(FIXTURES, 'apim-2.2.0');
const SEC = 'repository/resources/security';
const PASS = 'new-store-pass';

let work: string;
let p12: string;
let jksKeyPass: string;
const sessions: PtySession[] = [];

function home(fixture: string, keystores: Array<[string, string]> = [[p12, 'new.p12']]): string {
  const dir = copyConfTree(fixture, tmpDir('wizard-home'));
  for (const [src, name] of keystores) copyFileSync(src, join(dir, SEC, name));
  return dir;
}

function run(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): PtySession {
  const s = new PtySession(args, opts);
  sessions.push(s);
  return s;
}

const lockLeft = (dir: string) => existsSync(join(dir, '.wso2-keystore', 'lock'));
const checkpoints = (dir: string) => {
  const d = join(dir, '.wso2-keystore', 'backups');
  return existsSync(d) ? readdirSync(d).filter((n) => !n.startsWith('.')) : [];
};

/** From the keystore path to the function checkbox, accepting every default. */
async function throughKeystore(s: PtySession, password = PASS): Promise<void> {
  await s.answer('Path of the new keystore', KEY.enter);
  await s.answer('Store password of', password, KEY.enter);
  await s.answer('Key alias', KEY.enter);
  await s.answer('Key password:', KEY.enter);
  await s.answer('Add another keystore', KEY.enter);
}

beforeAll(() => {
  ensureBuilt();
  work = tmpDir('wizard-e2e');
  p12 = join(work, 'new.p12');
  genKeyPair({ file: p12, storeType: 'PKCS12', storePass: PASS, alias: 'newkey', dname: 'CN=node1.example.com, O=Example', ext: ['SAN=dns:node1.example.com'] });
  jksKeyPass = 'other-key-pass';
  genKeyPair({ file: join(work, 'keypass.jks'), storeType: 'JKS', storePass: PASS, keyPass: jksKeyPass, alias: 'signer' });
});

afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

describeWithKeytool('wizard in a terminal', () => {
  test('happy path: arrow keys, space, Enter and typed passwords point the home at the new keystore', async () => {
    const dir = home(EI);
    const before = snapshot(dir);
    const s = run(['setup', dir]);
    const intro = await s.waitFor('Path of the new keystore');
    expect(intro).toContain('EI 6.x / IoT Server layout (conf/)');
    expect(intro).toMatch(/primary\s+repository\/resources\/security\/wso2carbon\.jks, JKS, alias wso2carbon\s+\(conf\/carbon\.xml:\d+\)/);
    expect(intro).toContain(`(${SEC}/new.p12)`); // proposed as the default
    await s.answer('Path of the new keystore', KEY.enter);
    await s.answer('Store password of new.p12', PASS, KEY.enter);
    const opened = await s.waitFor('Key alias');
    expect(opened).toContain('Opened: 1 entry, 1 private key.');
    expect(s.text).toContain('Type: PKCS12 (read from the file)');
    expect(opened).not.toContain(PASS);
    await s.answer('Key alias', KEY.enter);
    await s.answer('Key password:', KEY.enter);
    const cert = await s.waitFor('Add another keystore');
    expect(cert).toContain('subject:     CN=node1.example.com, O=Example');
    expect(cert).toMatch(/SHA-256: +([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    await s.answer('Add another keystore', KEY.enter);
    const boxes = await s.waitFor('Which functions should');
    expect(boxes).toMatch(/◉ primary/);
    expect(boxes).toMatch(/◯ secPolicy/);
    expect(boxes).not.toMatch(/internal {3}/); // EI 6.2.0 has no InternalKeyStore
    // Down to secPolicy (primary, tls, axis2, secPolicy) and tick it.
    s.mark();
    s.write(KEY.down + KEY.down + KEY.down);
    await s.waitFor(/❯◯ secPolicy/);
    await s.answer(/❯◯ secPolicy/, KEY.space);
    await s.answer(/❯◉ secPolicy/, KEY.enter);
    const warning = await s.waitFor('Change the internal-encryption keystore anyway?');
    expect(warning).toContain('its primary keystore encrypts internal data');
    await s.answer('Change the internal-encryption keystore anyway?', 'y', KEY.enter);
    const trust = await s.waitFor(/Import it into .*client-truststore\.jks\?/);
    expect(trust).toContain('PKIX path building failed');
    await s.answer(/Import it into/, KEY.enter);
    const others = await s.waitFor('Move them to the new keystore too');
    expect(others).toMatch(/other setting\(s\) outside the functions above use the keystore being replaced/);
    expect(others).toContain('conf/cipher-standalone-config.properties:2 primary.key.location');
    await s.answer('Move them to the new keystore too', KEY.enter);
    const preview = await s.waitFor('Apply these changes to');
    expect(preview).toContain('+++ b/conf/carbon.xml');
    expect(preview).toContain('<Password>********</Password>');
    expect(preview).not.toContain(PASS);
    await s.answer('Apply these changes to', 'y', KEY.enter);
    const done = await s.waitFor('Save these answers as a plan file');
    await s.answer('Save these answers as a plan file', KEY.enter);
    expect(await s.exit()).toBe(0);

    const id = /Backup: (\S+)/.exec(done)![1];
    expect(done).toContain(`To undo:  wso2-keystore restore ${dir} --id ${id}`);
    expect(done).toContain('Restart the server');
    expect(done).toMatch(/Verify: (\d+) of \1 keystore settings/);
    expect(differences(before, snapshot(dir))).toEqual([
      'conf/axis2/axis2.xml',
      'conf/axis2/axis2_nhttp.xml',
      'conf/axis2/axis2_pt.xml',
      'conf/carbon.xml',
      'conf/sec.policy',
      'conf/tomcat/catalina-server.xml',
      `${SEC}/client-truststore.jks`,
    ]);
    const carbon = readFileSync(join(dir, 'conf/carbon.xml'), 'utf8');
    expect(carbon).toContain('<Location>${carbon.home}/repository/resources/security/new.p12</Location>');
    expect(carbon).toContain('<KeyAlias>newkey</KeyAlias>');
    expect(readFileSync(join(dir, 'conf/sec.policy'), 'utf8')).toContain('signedBy "newkey"');
    expect(readFileSync(join(dir, 'conf/tomcat/catalina-server.xml'), 'utf8')).toContain('new.p12');
    expect(keytool(['-list', '-keystore', join(dir, SEC, 'client-truststore.jks'), '-storepass', 'wso2carbon', '-alias', 'newkey'])).toContain('trustedCertEntry');
    expect(checkpoints(dir)).toEqual([id]);
    expect(lockLeft(dir)).toBe(false);
  });

  test('a wrong store password and a wrong key password are asked again with the reason', async () => {
    const dir = home(EI, [[join(work, 'keypass.jks'), 'signing.jks']]);
    const before = snapshot(dir);
    const s = run(['setup', dir]);
    await s.answer('Path of the new keystore', KEY.enter);
    await s.answer('Store password of signing.jks', 'wrong-pass', KEY.enter);
    const again = await s.waitFor('password was incorrect');
    expect(again.replace(/\s+/g, ' ')).toMatch(/Ctrl-U clears what you ?typed; try again/);
    s.write('\x15'); // Ctrl-U, as the message says
    s.write(PASS + KEY.enter);
    await s.answer('Key alias', KEY.enter);
    // "Same as the store password" does not open this key: the wizard says so and asks for it.
    await s.answer('Key password:', KEY.enter);
    const differs = await s.waitFor('Key password of "signer"');
    expect(differs).toContain('The store password does not open the key "signer"');
    await s.answer('Key password of "signer"', 'still-wrong', KEY.enter);
    await s.waitFor('is wrong');
    s.write('\x7f'.repeat('still-wrong'.length) + jksKeyPass + KEY.enter);
    const cert = await s.waitFor('Add another keystore');
    expect(cert).toContain('Key "signer" opens');
    expect(cert).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
    s.write(KEY.ctrlC);
    expect(await s.exit()).toBe(130);
    // The reasons under the prompts are inquirer's drawing, not Out's: nothing masks them by value.
    for (const typed of ['wrong-pass', 'still-wrong', PASS, jksKeyPass]) expect(s.text).not.toContain(typed);
    expect(differences(before, snapshot(dir))).toEqual([]);
  });

  test('declining the internal-keystore warning keeps the old keystore and writes nothing', async () => {
    const dir = home(EI);
    const before = snapshot(dir);
    const s = run(['setup', dir]);
    await throughKeystore(s);
    // Only primary: untick tls and axis2.
    await s.answer('Which functions should', KEY.down, KEY.space);
    await s.answer(/❯◯ tls/, KEY.down, KEY.space);
    await s.answer(/❯◯ axis2/, KEY.enter);
    await s.answer('Change the internal-encryption keystore anyway? (y/N)', KEY.enter);
    const out = await s.waitFor('Nothing was written.');
    expect(out).toContain('Kept: the current keystore stays in place for primary');
    expect(await s.exit()).toBe(1);
    expect(differences(before, snapshot(dir))).toEqual([]);
    expect(existsSync(join(dir, '.wso2-keystore'))).toBe(false);
  });

  test('Ctrl-C mid-flow: exit 130, one quiet line, files unchanged, no lock or backup', async () => {
    const dir = home(EI);
    const before = snapshot(dir);
    const s = run(['setup', dir]);
    await throughKeystore(s);
    await s.answer('Which functions should', KEY.ctrlC);
    expect(await s.exit()).toBe(130);
    const lines = s.text.split('\n').filter((l) => /Interrupted|nothing was written/i.test(l));
    expect(lines).toEqual(['Interrupted; nothing was written.']);
    expect(s.text).not.toMatch(/error|ExitPromptError/i);
    expect(differences(before, snapshot(dir))).toEqual([]);
    expect(lockLeft(dir)).toBe(false);
    expect(checkpoints(dir)).toEqual([]);
  });

  test('Ctrl-C after the change is applied (at "Save these answers"): exit 130, and it says the change is applied', async () => {
    const dir = home(EI);
    const s = run(['setup', dir]);
    await throughKeystore(s);
    await s.answer('Which functions should', KEY.enter); // the defaults: primary, tls, axis2
    await s.answer('Change the internal-encryption keystore anyway?', 'y', KEY.enter);
    await s.answer(/Import it into/, KEY.enter);
    await s.answer('Move them to the new keystore too', KEY.enter);
    await s.answer('Apply these changes to', 'y', KEY.enter);
    const done = await s.waitFor('Save these answers as a plan file');
    const id = /Backup: (\S+)/.exec(done)![1];
    s.write(KEY.ctrlC);
    expect(await s.exit()).toBe(130);
    expect(s.text).not.toContain('nothing was written');
    expect(s.text).toContain(`Interrupted after the change was written: it is applied. Backup: ${id}`);
    expect(s.text).toContain(`To undo:  wso2-keystore restore ${dir} --id ${id}`);
    expect(checkpoints(dir)).toEqual([id]);
    expect(readFileSync(join(dir, 'conf/carbon.xml'), 'utf8')).toContain('new.p12');
  });

  test('--dry-run shows the preview and writes nothing', async () => {
    const dir = home(EI);
    const before = snapshot(dir);
    const s = run(['setup', dir, '--dry-run']);
    await throughKeystore(s);
    await s.answer('Which functions should', KEY.enter);
    await s.answer('Change the internal-encryption keystore anyway?', 'y', KEY.enter);
    await s.answer(/Import it into/, KEY.enter);
    await s.answer('Move them to the new keystore too', KEY.enter);
    const out = await s.waitFor('Save these answers as a plan file');
    expect(out).toContain('+++ b/conf/carbon.xml');
    expect(out).toContain('Dry run: nothing was written.');
    expect(out).not.toContain('Apply these changes');
    await s.answer('Save these answers', KEY.enter);
    expect(await s.exit()).toBe(0);
    expect(differences(before, snapshot(dir))).toEqual([]);
    expect(existsSync(join(dir, '.wso2-keystore'))).toBe(false);
  });

  test('the menu restores the last checkpoint after showing its diff', async () => {
    const dir = home(EI);
    const before = snapshot(dir);
    const plan = join(work, 'restore-plan.json');
    writeFileSync(plan, JSON.stringify({ version: 1, keystores: { n: { path: `${SEC}/new.p12`, password: { env: 'NEW_PASS' }, alias: 'newkey' } }, functions: { tls: 'n' } }));
    execFileSync(process.execPath, [CLI, 'apply', '--plan', plan, dir, '--yes'], { env: { ...process.env, NEW_PASS: PASS }, stdio: 'pipe' });
    expect(differences(before, snapshot(dir))).toEqual(['conf/tomcat/catalina-server.xml']);
    const [id] = checkpoints(dir);

    const s = run([], { cwd: dir }); // no subcommand: the menu, the home from the current directory
    await s.answer('What do you want to do?', KEY.down, KEY.enter);
    const list = await s.waitFor('Which checkpoint?');
    expect(list).toContain(id);
    await s.answer('Which checkpoint?', KEY.enter);
    const diff = await s.waitFor(/Restore 1 file\(s\) from/);
    expect(diff).toMatch(/^-\s+keystoreFile="\$\{carbon\.home\}\/repository\/resources\/security\/new\.p12"/m);
    expect(diff).toMatch(/^\+\s+keystoreFile="\$\{carbon\.home\}\/repository\/resources\/security\/wso2carbon\.jks"/m);
    await s.answer(/Restore 1 file\(s\) from/, 'y', KEY.enter);
    const out = await s.waitFor('Restart the server');
    expect(out).toContain(`Restored 1 file(s) from ${id}: conf/tomcat/catalina-server.xml`);
    expect(await s.exit()).toBe(0);
    expect(differences(before, snapshot(dir))).toEqual([]);
    expect(lockLeft(dir)).toBe(false);
  });

  test('--save-plan, then apply --plan on a second copy gives byte-identical files', async () => {
    const a = home(APIM);
    const b = home(APIM);
    const planFile = join(work, 'cluster-plan.json');
    rmSync(planFile, { force: true });
    const s = run(['setup', a, '--save-plan', planFile]);
    await throughKeystore(s);
    await s.answer('Which functions should', KEY.enter);
    await s.answer('Change the internal-encryption keystore anyway?', 'y', KEY.enter);
    // A JKS truststore records when an entry was added, so an import would differ by its timestamp.
    await s.answer(/Import it into/, 'n', KEY.enter);
    await s.answer('Move them to the new keystore too', KEY.enter);
    await s.answer('Apply these changes to', 'y', KEY.enter);
    const names = await s.waitFor('Use these variable names?');
    expect(names).toContain('new: WSO2KS_NEW_PASS');
    await s.answer('Use these variable names?', KEY.enter);
    await s.waitFor('Saved the plan');
    expect(await s.exit()).toBe(0);

    const text = readFileSync(planFile, 'utf8');
    expect(text).not.toContain(PASS);
    expect(JSON.parse(text)).toEqual({
      version: 1,
      keystores: { new: { path: `${SEC}/new.p12`, type: 'PKCS12', password: { env: 'WSO2KS_NEW_PASS' }, alias: 'newkey' } },
      functions: { primary: 'new', tls: 'new', axis2: 'new' },
      confirmInternalKeystoreChange: true,
    });
    const json = execFileSync(process.execPath, [CLI, 'apply', '--plan', planFile, b, '--yes', '--json'], { env: { ...process.env, WSO2KS_NEW_PASS: PASS }, encoding: 'utf8' });
    expect(JSON.parse(json).changed).toBe(true);
    const sa = snapshot(a);
    const sb = snapshot(b);
    expect(differences(sa, sb)).toEqual([]);
    expect(differences(snapshot(home(APIM)), sa).length).toBeGreaterThan(0);
  });
});

describe('wizard without a terminal', () => {
  test('stdin not a TTY: exit 2 and a pointer to apply --plan', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [CLI, 'setup', EI], { input: '', stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = String((e as { stderr: Buffer }).stderr);
    }
    expect(status).toBe(2);
    expect(stderr).toContain('apply --plan');
  });
});

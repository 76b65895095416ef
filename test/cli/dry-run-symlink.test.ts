/**
 * A dry run says what the apply will do: where the apply refuses a config file (a symlink to a file
 * outside HOME, e.g. a ConfigMap mount), `apply --dry-run` refuses the same way, with nothing written,
 * rather than showing a diff and "changed": true for a change that can never be made.
 */
import { copyFileSync, existsSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyHome, ensureBuilt, hashTree, runCli } from '../helpers/home';
import { describeWithKeytool, genKeyPair, tmpDir } from '../helpers/keytool';

const PASS = 'dry-run-pass';
const CATALINA = 'conf/tomcat/catalina-server.xml';

beforeAll(() => ensureBuilt());

describeWithKeytool('apply --dry-run on a config file that is a symlink out of HOME (ei-6.2.0)', () => {
  test('refuses with the same FILE_SYMLINK error and exit code as the apply, and writes nothing', () => {
    const dir = tmpDir('dry-symlink');
    const home = copyHome('ei-6.2.0', dir, 'ei');
    genKeyPair({ file: join(home, 'repository/resources/security/newks.jks'), storeType: 'JKS', storePass: PASS, alias: 'newkey' });
    // catalina-server.xml lives outside HOME and is linked in, as a ConfigMap mount would be.
    const outside = join(dir, 'catalina-server.xml');
    copyFileSync(join(home, CATALINA), outside);
    const original = readFileSync(outside);
    renameSync(join(home, CATALINA), join(dir, 'dropped.xml'));
    symlinkSync(outside, join(home, CATALINA));
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify({ version: 1, keystores: { n: { path: 'repository/resources/security/newks.jks', password: { env: 'NEWKS_PASS' }, alias: 'newkey' } }, functions: { tls: 'n' } }));
    const env = { NEWKS_PASS: PASS };
    const before = hashTree(home, true);

    const dry = runCli(['apply', '--plan', plan, home, '--dry-run', '--json'], { env });
    const real = runCli(['apply', '--plan', plan, home, '--yes', '--json'], { env });
    expect(real.code).toBe(1);
    expect(JSON.parse(real.stdout).error.code).toBe('FILE_SYMLINK');
    expect(dry.code).toBe(real.code);
    expect(JSON.parse(dry.stdout)).toEqual(JSON.parse(real.stdout)); // code, message, file and hint
    expect(dry.stdout).not.toContain('"changed"');

    // Without --json: the error on stderr, no diff and no "Dry run: nothing was written".
    const text = runCli(['apply', '--plan', plan, home, '--dry-run'], { env });
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(`error: ${CATALINA}: is a symlink that points outside HOME`);
    expect(text.stdout).not.toContain('+++ b/');
    expect(text.stdout).not.toContain('Dry run');

    expect(hashTree(home, true)).toEqual(before);
    expect(existsSync(join(home, '.wso2-keystore'))).toBe(false);
    expect(readFileSync(outside)).toEqual(original);
    for (const r of [dry, real, text]) expect(r.stdout + r.stderr).not.toContain(PASS);
  });
});

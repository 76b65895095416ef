/**
 * HOME reached through a symlink (/opt/wso2 -> /opt/wso2is-5.11.0) with an absolute keystore path in
 * the plan written through that link: `apply --plan p.json <link>` and `cd <link> && apply --plan
 * p.json` (HOME = the current directory, which node reports as the real path) must make the same
 * plan and write the same values. Whether the keystore is inside HOME is decided on real paths.
 */
import { copyFileSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyHome, ensureBuilt, hashTree, runCli } from '../helpers/home';
import { describeWithKeytool, genKeyPair, tmpDir } from '../helpers/keytool';

const PASS = 'link-home-pass';
const SEC = 'repository/resources/security';

beforeAll(() => ensureBuilt());

describeWithKeytool('a symlinked HOME and an absolute keystore path through the link', () => {
  let keystore: string;
  beforeAll(() => {
    keystore = join(tmpDir('link-ks'), 'a.jks');
    genKeyPair({ file: keystore, storeType: 'JKS', storePass: PASS, alias: 'newkey' });
  });

  /** A copy of `fixture` with a.jks in place, a symlink `wso2` to it, and a plan naming a.jks through the link. */
  function linkedHome(fixture: string) {
    const dir = realpathSync(tmpDir(`link-${fixture}`));
    const home = copyHome(fixture, dir, `${fixture}-real`);
    copyFileSync(keystore, join(home, SEC, 'a.jks'));
    const link = join(dir, 'wso2');
    symlinkSync(home, link);
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify({ version: 1, keystores: { n: { path: join(link, SEC, 'a.jks'), password: { env: 'A_PASS' }, alias: 'newkey' } }, functions: { tls: 'n' } }));
    return { home, link, plan };
  }
  const env = { A_PASS: PASS };

  test.each([
    // deployment.toml names a keystore as a file under repository/resources/security: an absolute path outside HOME is refused.
    ['is-5.11.0', 'repository/conf/deployment.toml', /\[keystore\.tls\]\nfile_name = "a\.jks"/],
    // catalina-server.xml: a keystore inside HOME is written as ${carbon.home}/…, not as an absolute path.
    ['ei-6.2.0', 'conf/tomcat/catalina-server.xml', /keystoreFile="\$\{carbon\.home\}\/repository\/resources\/security\/a\.jks"/],
  ])('%s: HOME given as the link and HOME as the current directory write the same %s', (fixture, file, written) => {
    const byArg = linkedHome(fixture);
    const byCwd = linkedHome(fixture);

    const dryArg = runCli(['apply', '--plan', byArg.plan, byArg.link, '--dry-run', '--json'], { env });
    const dryCwd = runCli(['apply', '--plan', byCwd.plan, '--dry-run', '--json'], { env, cwd: byCwd.link });
    expect([dryArg.code, dryCwd.code]).toEqual([0, 0]);
    expect(JSON.parse(dryCwd.stdout).files).toEqual(JSON.parse(dryArg.stdout).files);

    const arg = runCli(['apply', '--plan', byArg.plan, byArg.link, '--yes', '--json'], { env });
    const cwd = runCli(['apply', '--plan', byCwd.plan, '--yes', '--json'], { env, cwd: byCwd.link });
    expect([arg.code, cwd.code]).toEqual([0, 0]);
    const text = readFileSync(join(byCwd.home, file), 'utf8');
    expect(text).toMatch(written);
    expect(text).not.toContain(byCwd.link);
    expect(hashTree(byCwd.home)).toEqual(hashTree(byArg.home));
    for (const r of [dryArg, dryCwd, arg, cwd]) expect(r.stdout + r.stderr).not.toContain(PASS);
  });
});

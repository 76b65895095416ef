/** verify's last line: a clean pass, and a pass with warnings (said so). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyHome, ensureBuilt, runCli } from '../helpers/home';
import { describeWithKeytool, genKeyPair } from '../helpers/keytool';

beforeAll(() => ensureBuilt());

it('all OK with a warning: exit 0, and the last line points at the warnings', () => {
  const home = copyHome('ei-6.2.0');
  expect(runCli(['verify', home]).stdout.trimEnd().split('\n').pop()).toBe('All keystore settings check out.');
  const policy = join(home, 'conf', 'sec.policy');
  writeFileSync(policy, readFileSync(policy, 'latin1').replace('signedBy "wso2carbon"', 'signedBy "someoneelse"'), 'latin1');
  const r = runCli(['verify', home]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('warning: grant signedBy "someoneelse" differs from the primary key alias "wso2carbon"');
  expect(r.stdout.trimEnd().split('\n').pop()).toBe('All keystore settings check out (read the warnings above).');
});

describeWithKeytool('an expired certificate in service', () => {
  it('fails the axis2 lines (clients refuse it), but is only a warning on primary', () => {
    const home = copyHome('ei-6.2.0');
    const file = join(home, 'repository', 'resources', 'security', 'old.jks');
    genKeyPair({ file, storeType: 'JKS', storePass: 'old-pass-1', alias: 'old', startdate: '-2y', validity: 30 });
    const plan = join(home, '..', 'plan-old.json');
    writeFileSync(
      plan,
      JSON.stringify({
        version: 1,
        confirmInternalKeystoreChange: true,
        keystores: { old: { path: 'repository/resources/security/old.jks', password: { env: 'OLD' }, alias: 'old', allowExpired: true } },
        functions: { primary: 'old', axis2: 'old' },
      }),
    );
    expect(runCli(['apply', '--plan', plan, home, '--yes'], { env: { OLD: 'old-pass-1' } }).code).toBe(0);
    const r = runCli(['verify', home]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^OK {4}primary /m);
    expect(r.stdout).toMatch(/^FAIL {2}axis2 /m);
    expect(r.stdout).toMatch(/warning: certificate expired on/);
  });
});

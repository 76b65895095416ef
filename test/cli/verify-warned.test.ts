/** verify's last line: a clean pass, and a pass with warnings (said so). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyHome, ensureBuilt, runCli } from '../helpers/home';

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

/**
 * "Nothing to change" says why: a function the home has nothing to edit for (IS 5.5.0 ships its
 * axis2 https transports commented out; APIM 3.2.0's sec.policy has no keystore entry) is named in
 * the change set's `notApplicable`, in the summary and in `apply --json`, instead of the summary
 * claiming that the home already uses the keystore. Copies of real homes, a keystore made by keytool.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyCommand } from '../../src/cli/commands/apply';
import { copyHome } from '../helpers/home';
import { describeWithKeytool, genKeyPair } from '../helpers/keytool';
import { fakeIo } from '../wizard/scripted';

const SEC = 'repository/resources/security';
const PASS = 'na-Pa55word';

interface Json {
  changed: boolean;
  warnings: string[];
  notApplicable: string[];
}

describeWithKeytool('functions with nothing to edit in the home', () => {
  const apply = async (fixture: string, functions: Record<string, string>, opts: { json?: boolean; yes?: boolean; home?: string } = {}) => {
    const home = opts.home ?? copyHome(fixture);
    if (!opts.home) genKeyPair({ file: join(home, SEC, 'na.jks'), storeType: 'JKS', storePass: PASS, alias: 'na' });
    const plan = join(home, '..', `plan-${Object.keys(functions).join('-')}.json`);
    writeFileSync(plan, JSON.stringify({ version: 1, keystores: { na: { path: `${SEC}/na.jks`, password: { env: 'NA_PASS' }, alias: 'na' } }, functions, confirmInternalKeystoreChange: true }));
    const f = fakeIo(home, { NA_PASS: PASS });
    const code = await applyCommand({ plan, home, json: opts.json, dryRun: !opts.yes, yes: opts.yes }, f.io);
    return { code, home, stdout: f.stdout() };
  };

  it('IS 5.5.0, axis2 alone: the summary names axis2 instead of claiming the home already uses the keystore', async () => {
    const { code, stdout } = await apply('is-5.5.0', { axis2: 'na' });
    expect(code).toBe(0);
    expect(stdout).toMatch(/warning: axis2: no repository\/conf\/axis2\/\*\.xml has an active https transport/);
    expect(stdout.trimEnd().split('\n').pop()).toBe('Nothing to change: this home has nothing to edit for axis2 (see the warnings above).');
    expect(stdout).not.toContain('already uses these keystores');
  });

  it('IS 5.5.0, axis2 alone, --json: notApplicable is ["axis2"]', async () => {
    const { code, stdout } = await apply('is-5.5.0', { axis2: 'na' }, { json: true });
    const out = JSON.parse(stdout) as Json;
    expect(code).toBe(0);
    expect(out.changed).toBe(false);
    expect(out.notApplicable).toEqual(['axis2']);
  });

  it('APIM 3.2.0 (deployment.toml), secPolicy: sec.policy has no keystore entry', async () => {
    const { stdout } = await apply('apim-3.2.0', { secPolicy: 'na' }, { json: true });
    expect((JSON.parse(stdout) as Json).notApplicable).toEqual(['secPolicy']);
  });

  it('a function that does apply is not listed, and a second run says the home already uses the keystore', async () => {
    const first = await apply('is-5.5.0', { tls: 'na', axis2: 'na' }, { json: true, yes: true });
    const out = JSON.parse(first.stdout) as Json;
    expect(out.changed).toBe(true);
    expect(out.notApplicable).toEqual(['axis2']);
    const again = await apply('is-5.5.0', { tls: 'na' }, { home: first.home });
    expect(again.stdout.trimEnd().split('\n').pop()).toBe('Nothing to change: the home already uses these keystores.');
    expect(JSON.parse((await apply('is-5.5.0', { tls: 'na' }, { home: first.home, json: true })).stdout).notApplicable).toEqual([]);
  });
});

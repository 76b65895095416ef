/** The command-line contract: exit codes, JSON on stdout only, dry runs write nothing, no guessing off a terminal. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyHome, ensureBuilt, hashTree, runCli } from '../helpers/home';

beforeAll(() => ensureBuilt());

const PLAN = {
  version: 1,
  keystores: { k: { path: 'repository/resources/security/wso2carbon.jks', password: { env: 'KP' }, alias: 'wso2carbon' } },
  functions: { tls: 'k' },
};

function homeWithPlan(plan: object = PLAN) {
  const home = copyHome('apim-2.2.0');
  // Point tls at the same store under a new name, so the plan has something to change.
  require('node:fs').copyFileSync(join(home, 'repository/resources/security/wso2carbon.jks'), join(home, 'repository/resources/security/tls.jks'));
  const p = JSON.parse(JSON.stringify(plan));
  p.keystores.k.path = 'repository/resources/security/tls.jks';
  const planFile = join(home, '..', 'plan.json');
  writeFileSync(planFile, JSON.stringify(p));
  return { home, planFile };
}

test('--version and --help exit 0', () => {
  expect(runCli(['--version'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  expect(runCli(['--help']).code).toBe(0);
});

test('usage errors exit 2', () => {
  expect(runCli(['apply']).code).toBe(2); // --plan is required
  expect(runCli(['frobnicate']).code).toBe(2);
  expect(runCli(['scan', '--bogus']).code).toBe(2);
});

test('--dry-run writes nothing at all: no backup folder, no lock', () => {
  const { home, planFile } = homeWithPlan();
  const before = hashTree(home, true);
  const r = runCli(['apply', '--plan', planFile, home, '--dry-run'], { env: { KP: 'wso2carbon' } });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('+++ b/repository/conf/tomcat/catalina-server.xml');
  expect(r.stdout).toContain('Dry run: nothing was written.');
  expect(hashTree(home, true)).toEqual(before);
  expect(existsSync(join(home, '.wso2-keystore'))).toBe(false);
});

test('apply off a terminal without --yes refuses (exit 2), says how, writes nothing', () => {
  const { home, planFile } = homeWithPlan();
  const before = hashTree(home, true);
  const r = runCli(['apply', '--plan', planFile, home], { env: { KP: 'wso2carbon' } });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/standard input is not a terminal/);
  expect(r.stderr).toMatch(/--yes/);
  expect(hashTree(home, true)).toEqual(before);
});

test('--json prints one JSON object on stdout and nothing else; errors too', () => {
  const { home, planFile } = homeWithPlan();
  const ok = runCli(['apply', '--plan', planFile, home, '--dry-run', '--json'], { env: { KP: 'wso2carbon' } });
  const parsed = JSON.parse(ok.stdout);
  expect(parsed).toMatchObject({ changed: true, backup: null });
  expect(parsed.files[0]).toMatchObject({ path: 'repository/conf/tomcat/catalina-server.xml', changed: true });
  expect(parsed.files[0].changes).toEqual([
    { line: 76, setting: 'Connector[port=9443]/@keystoreFile', from: '${carbon.home}/repository/resources/security/wso2carbon.jks', to: '${carbon.home}/repository/resources/security/tls.jks', function: 'tls' },
  ]);
  const bad = runCli(['apply', '--plan', planFile, home, '--json'], { env: {} });
  expect(bad.code).toBe(1);
  expect(JSON.parse(bad.stdout).error).toMatchObject({ code: 'PLAN_ENV_MISSING' });
  const scan = JSON.parse(runCli(['scan', home, '--json']).stdout);
  expect(scan.references[0]).toEqual(expect.objectContaining({ path: expect.any(String), line: expect.any(Number), setting: expect.any(String), value: expect.any(String), function: expect.any(String) }));
  const backups = JSON.parse(runCli(['backups', home, '--json']).stdout);
  expect(backups.backups).toEqual([]);
  // dryRun is always there: true for a dry run, false for a real apply, changed or not.
  expect(parsed.dryRun).toBe(true);
  const real = JSON.parse(runCli(['apply', '--plan', planFile, home, '--yes', '--json'], { env: { KP: 'wso2carbon' } }).stdout);
  expect(real).toMatchObject({ changed: true, dryRun: false });
  const again = JSON.parse(runCli(['apply', '--plan', planFile, home, '--yes', '--json'], { env: { KP: 'wso2carbon' } }).stdout);
  expect(again).toMatchObject({ changed: false, backup: null, dryRun: false });
});

test('HOME defaults to the current directory; a folder that is not a home says what was looked for', () => {
  const { home } = homeWithPlan();
  expect(runCli(['scan', '--json'], { cwd: home }).code).toBe(0);
  const inside = runCli(['scan'], { cwd: join(home, 'repository') });
  expect(inside.code).toBe(1);
  expect(inside.stderr).toMatch(/is the repository\/ folder of a WSO2 home, not the home itself/);
  const r = runCli(['scan'], { cwd: join(home, 'repository', 'resources') });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/not a WSO2 home: found none of repository\/conf\/carbon.xml, conf\/carbon.xml/);
});

test('restore with nothing applied yet names the problem', () => {
  const { home } = homeWithPlan();
  const r = runCli(['restore', home, '--yes']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/error: /);
  expect(existsSync(join(home, '.wso2-keystore', 'lock'))).toBe(false);
});

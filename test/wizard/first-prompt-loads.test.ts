/**
 * What the wizard evaluates before its first question is drawn. The planner, the preview, the
 * transaction's caller, the keystore readers and the prompts other than `input` load only after the
 * first answer (src/wizard/setup-flow.ts, keystore-step.ts, prompter.ts, and for the menu, menu.ts);
 * together they were ~10% of the time to the first prompt (issue 7, figure 6). This keeps a later
 * static import from quietly bringing them back, and checks they do load, and work, once the flow
 * gets to them.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { isKsError } from '../../src/errors';
import { runMenu } from '../../src/wizard/menu';
import { inquirerPrompter } from '../../src/wizard/prompter';
import { runSetup } from '../../src/wizard/setup-flow';
import { copyConfTree } from './pty';
import { fakeIo, scriptedPrompter } from './scripted';
import { FIXTURES } from '../helpers/home';
import { tmpDir } from '../helpers/keytool';

// Function declarations (hoisted, like the jest.mock calls): a module statically imported by the
// flow is loaded while this file's imports run, before any const here is initialised.
function loaded(): Set<string> {
  const g = globalThis as { mockWizardLoads?: Set<string> };
  return (g.mockWizardLoads ??= new Set());
}
function mockTrack(name: string, path: string): unknown {
  loaded().add(name);
  return jest.requireActual(path);
}
/** A prompt package, counted as loaded when it is evaluated; its prompt answers `answer`. */
function mockPrompt(name: string, answer: unknown): unknown {
  loaded().add(name);
  return { __esModule: true, default: jest.fn(async () => answer) };
}
// Each jest.mock at the top level, where it is hoisted above the imports: one made later (in a
// loop, say) is not, and a static import of that module would load the real one unseen.
jest.mock('../../src/cli/commands/apply', () => mockTrack('apply', '../../src/cli/commands/apply'));
jest.mock('../../src/preview/diff', () => mockTrack('preview', '../../src/preview/diff'));
jest.mock('../../src/changes/plan-changes', () => mockTrack('planner', '../../src/changes/plan-changes'));
jest.mock('../../src/keystore', () => mockTrack('keystore', '../../src/keystore'));
jest.mock('../../src/io', () => mockTrack('io', '../../src/io'));
jest.mock('../../src/cli/commands/scan', () => mockTrack('scan', '../../src/cli/commands/scan'));
jest.mock('@inquirer/input', () => mockPrompt('input', 'typed'));
jest.mock('@inquirer/password', () => mockPrompt('password', 'secret'));
jest.mock('@inquirer/select', () => mockPrompt('select', 'chosen'));
jest.mock('@inquirer/checkbox', () => mockPrompt('checkbox', ['ticked']));
jest.mock('@inquirer/confirm', () => mockPrompt('confirm', true));

const SEC = 'repository/resources/security';

test('up to the first question, setup loads neither the planner, the preview, apply nor the keystore readers', async () => {
  const dir = copyConfTree(join(FIXTURES, 'ei-6.2.0'), tmpDir('first-prompt'));
  const { prompt, asked } = scriptedPrompter([{ ctrlC: /Path of the new keystore/ }]);
  const f = fakeIo(dir);
  expect([...loaded()]).toEqual([]); // not by this file's imports either (setup-flow and what it imports)
  const e = await runSetup({ io: f.io, out: f.out, prompt }, { home: dir }).catch((x: unknown) => x);
  expect(isKsError(e) && e.code).toBe('ABORTED');
  expect(asked.map((a) => a.kind)).toEqual(['input']);
  // It did read the home: the current set-up is on the screen above the question.
  expect(f.stdout()).toMatch(/Keystores it uses now:\n {2}primary {5}repository\/resources\/security\/wso2carbon\.jks/);
  expect([...loaded()]).toEqual([]);
});

test('up to its first question, the menu loads none of them, nor the transaction layer', async () => {
  const { prompt, asked } = scriptedPrompter([{ select: /What do you want to do/, answer: 'quit' }]);
  const f = fakeIo(process.cwd());
  await expect(runMenu({ io: f.io, out: f.out, prompt })).resolves.toBe(0);
  expect(asked.map((a) => a.kind)).toEqual(['select']);
  expect([...loaded()]).toEqual([]);
});

test('they load when the flow reaches them, and the flow works with them', async () => {
  const dir = copyConfTree(join(FIXTURES, 'ei-6.2.0'), tmpDir('first-prompt'));
  mkdirSync(join(dir, SEC), { recursive: true });
  copyFileSync(join(dir, SEC, 'wso2carbon.jks'), join(dir, SEC, 'other.jks'));
  const { prompt } = scriptedPrompter([
    { input: /Path of the new keystore/, answer: `${SEC}/other.jks` },
    { password: /Store password/, answer: 'wso2carbon' },
    { select: /Key alias/, answer: 'wso2carbon' },
    { select: /Key password/, answer: true },
    { confirm: /Add another keystore/, answer: false },
    { checkbox: /Which functions/, answer: ['tls'] },
    { confirm: /Move them to the new keystore too/, answer: false },
    { ctrlC: /Save these answers as a plan file/ },
  ]);
  const f = fakeIo(dir);
  const e = await runSetup({ io: f.io, out: f.out, prompt }, { home: dir, dryRun: true }).catch((x: unknown) => x);
  expect(isKsError(e) && e.code).toBe('ABORTED');
  expect(f.stdout()).toContain('+++ b/conf/tomcat/catalina-server.xml');
  expect([...loaded()].sort()).toEqual(['apply', 'io', 'keystore', 'planner', 'preview']);
});

test('the menu loads scan when it is chosen, and scan and restore work', async () => {
  loaded().clear();
  const dir = copyConfTree(join(FIXTURES, 'ei-6.2.0'), tmpDir('first-prompt'));
  const { prompt } = scriptedPrompter([
    { select: /What do you want to do/, answer: 'scan' },
    { select: /What do you want to do/, answer: 'restore' },
  ]);
  const f = fakeIo(dir); // the home from the current directory
  await expect(runMenu({ io: f.io, out: f.out, prompt })).resolves.toBe(0);
  expect(f.stdout()).toContain('conf/carbon.xml');
  expect(f.stdout()).toContain(`No backups in ${dir}`);
  expect([...loaded()]).toEqual(['scan']); // io and the preview: already loaded by the flow above
});

test('the real prompter loads a prompt package when that prompt is first asked, and only that one', async () => {
  loaded().clear();
  const f = fakeIo(process.cwd());
  const p = await inquirerPrompter({ ...f.io, stdin: Object.assign(new PassThrough(), { isTTY: true }) });
  expect([...loaded()]).toEqual([]);
  await expect(p.input({ message: 'Path?' })).resolves.toBe('typed');
  expect([...loaded()]).toEqual(['input']);
  await expect(p.password({ message: 'Password?' })).resolves.toBe('secret');
  expect([...loaded()]).toEqual(['input', 'password']);
  await expect(p.select({ message: 'Which?', choices: [{ name: 'c', value: 'chosen' }] })).resolves.toBe('chosen');
  expect([...loaded()]).toEqual(['input', 'password', 'select']);
  await expect(p.checkbox({ message: 'Which ones?', choices: [{ name: 't', value: 'ticked' }] })).resolves.toEqual(['ticked']);
  expect([...loaded()]).toEqual(['input', 'password', 'select', 'checkbox']);
  await expect(p.confirm({ message: 'Sure?', default: false })).resolves.toBe(true);
  expect([...loaded()]).toEqual(['input', 'password', 'select', 'checkbox', 'confirm']);
});

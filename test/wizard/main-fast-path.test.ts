/**
 * `setup [HOME]` and the bare menu start without commander (src/cli/main.ts): nothing to parse, and
 * commander was measurable on the wizard's first prompt. Anything with an option still goes through
 * commander: its help, its usage errors.
 */
import { main } from '../../src/cli/main';
import { memoryIo } from '../helpers/io';

const mockLoads = { commander: 0 };
jest.mock('commander', () => {
  mockLoads.commander++;
  return jest.requireActual('commander');
});

function io() {
  const m = memoryIo(process.cwd());
  return { cli: m.io, out: m.stdout, err: m.stderr };
}

// main.ts loads commands the way dist/ and the bundle name them ('./commands/setup.js'); jest resolves
// no .js to a .ts source by itself.
jest.mock('../../src/cli/commands/setup.js', () => jest.requireActual('../../src/cli/commands/setup.ts'), { virtual: true });

beforeEach(() => {
  mockLoads.commander = 0;
  jest.resetModules();
});

test.each([[['setup', '/nonexistent/home']], [['setup']], [[]]])('main(%j) reaches the wizard without loading commander', async (argv) => {
  const { main: fresh } = jest.requireActual<typeof import('../../src/cli/main')>('../../src/cli/main');
  const t = io();
  const code = await fresh(argv, t.cli);
  // The wizard's own answer off a terminal: it ran setup/menu, not a commander usage error.
  expect(t.err()).toMatch(/the wizard needs a terminal/);
  expect(code).toBe(2);
  expect(mockLoads.commander).toBe(0);
});

test.each([
  [['setup', '--help'], 0, /Usage: wso2-keystore setup/],
  [['setup', 'a', 'b'], 2, /too many arguments/],
  [['setup', '/nonexistent/home', '--bogus'], 2, /unknown option '--bogus'/],
  // A misspelt or made-up command is named as such (the menu's "too many arguments" said nothing useful).
  [['recover', '/tmp'], 2, /^error: unknown command 'recover' \(commands: apply, scan, backups, restore, inspect, verify, setup, help\)$/m],
  [['scna'], 2, /unknown command 'scna'/],
  // `help [command]`, as git and npm have it.
  [['help'], 0, /Usage: wso2-keystore \[options\] \[command\][\s\S]*help \[command\] +show the help of a command/],
  [['help', 'restore'], 0, /Usage: wso2-keystore restore \[options\] \[home\][\s\S]*--force/],
  [['help', 'nosuch'], 2, /^error: unknown command 'nosuch' \(commands: apply, scan/m],
])('main(%j) still goes through commander', async (argv, want, text) => {
  const t = io();
  const code = await main(argv as string[], t.cli);
  expect(mockLoads.commander).toBe(1);
  expect(code).toBe(want);
  expect(t.out() + t.err()).toMatch(text);
});

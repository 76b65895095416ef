/**
 * A reader that leaves early (`verify HOME | head -1`, a script that stops reading): the command
 * runs on, quietly, and exits with its own code. A FAIL must not turn into exit 0 because stdout
 * closed, and an apply must not be cut off between its steps.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, copyHome, DEMO, demoHome, ensureBuilt } from '../helpers/home';

beforeAll(() => ensureBuilt());

/** Run the CLI with its stdout a pipe whose reading end is closed before the CLI writes anything. */
function withReaderGone(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

it('verify with a FAIL exits 1 though nobody read its report; a clean one exits 0', async () => {
  const home = copyHome('ei-6.2.0');
  expect(await withReaderGone(['verify', home])).toEqual({ code: 0, stderr: '' });
  const carbon = join(home, 'conf', 'carbon.xml');
  writeFileSync(carbon, readFileSync(carbon, 'utf8').replace('<Type>JKS</Type>', '<Type>PKCS12</Type>'));
  expect(await withReaderGone(['verify', home])).toEqual({ code: 1, stderr: '' });
  expect(await withReaderGone(['verify', home, '--json'])).toEqual({ code: 1, stderr: '' });
});

it('apply --yes runs to its end: the change is made and checkpointed, exit 0', async () => {
  const home = demoHome('reader-left');
  const r = await withReaderGone(['apply', '--plan', DEMO.plan, home, '--yes'], DEMO.env);
  expect(r.code).toBe(0);
  expect(readFileSync(join(home, 'conf', 'tomcat', 'catalina-server.xml'), 'utf8')).toContain('demo-keystore.p12');
  expect(readdirSync(join(home, '.wso2-keystore', 'backups'))).toHaveLength(1);
});

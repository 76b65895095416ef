/**
 * A plan that does not parse is reported before its passwords are known to the output's redaction
 * (apply registers them after parsePlan returns), so no message about a broken plan may quote one:
 * not V8's JSON.parse complaint (which quotes the text around the error), not a key or value out of
 * a password field. Each plan below holds SECRET in its password fields; the secret must appear
 * neither in the KsError's message or hint nor on stdout or stderr of `apply --plan`, with or
 * without --json.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { parsePlan } from '../../src/plan/plan';
import { errorOf } from '../helpers/errors';
import { copyHome } from '../helpers/home';
import { memoryIo } from '../helpers/io';

// main.ts loads commands the way dist/ and the bundle name them; jest resolves no .js to a .ts source by itself.
jest.mock('../../src/cli/commands/apply.js', () => jest.requireActual('../../src/cli/commands/apply.ts'), { virtual: true });

const SECRET = 'Qz7Xv9Kw2Jp';
/** The secret and every 5-character piece of it: V8 quotes about ten characters either side of an error. */
const PIECES = Array.from({ length: SECRET.length - 4 }, (_, i) => SECRET.slice(i, i + 5));
const leaks = (s: string) => PIECES.filter((p) => s.includes(p));

const plan = (ks: Record<string, unknown>, top: Record<string, unknown> = {}) =>
  JSON.stringify({ version: 1, keystores: { newks: { path: 'repository/resources/security/new.jks', alias: 'newkey', ...ks } }, functions: { tls: 'newks' }, ...top }, null, 2);
const good = plan({ password: SECRET, keyPassword: SECRET });

/** Broken plans whose password fields hold SECRET, each as the text of a plan file. */
const BROKEN: Array<[string, string]> = [
  ['an unquoted password', good.replace(`"${SECRET}"`, SECRET)],
  ['a single-quoted password', good.replace(`"${SECRET}"`, `'${SECRET}'`)],
  ['a password string that never closes', good.replace(`"${SECRET}",`, `"${SECRET},`)],
  ['a line break inside the password', good.replace(SECRET, `${SECRET.slice(0, 5)}\n${SECRET.slice(5)}`)],
  ['a tab inside the password', good.replace(SECRET, `${SECRET.slice(0, 5)}\t${SECRET.slice(5)}`)],
  ['a bad escape inside the password', good.replace(SECRET, `${SECRET.slice(0, 5)}\\q${SECRET.slice(5)}`)],
  ['no colon before the password', good.replace(`"password": "${SECRET}"`, `"password" "${SECRET}"`)],
  ['no comma after the password', good.replace(`"${SECRET}",`, `"${SECRET}"`)],
  ['a trailing comma after the key password', good.replace(`"keyPassword": "${SECRET}"`, `"keyPassword": "${SECRET}",`)],
  ['a // comment on the password line', good.replace(`"password": "${SECRET}",`, `"password": "${SECRET}", // ${SECRET}`)],
  ['the plan cut short in the password', good.slice(0, good.indexOf(SECRET) + 6)],
  ['the password as an array', plan({ password: [SECRET] })],
  ['the password as the key of an object', plan({ password: { [SECRET]: true } })],
  ['an env reference with the password as a second key', plan({ password: { env: 'NEWKS_PASS', [SECRET]: SECRET } })],
  ['the key password as {"value": …}', plan({ password: SECRET, keyPassword: { value: SECRET } })],
  ['the password as the env variable name', plan({ password: { env: `${SECRET}!` } })],
  ['a password and no path', plan({ path: undefined, password: SECRET })],
  ['a password with an unknown key beside it', plan({ password: SECRET, passwd: SECRET })],
  ['a password in a keystore with a bad name', JSON.stringify({ version: 1, keystores: { 'new ks': { path: 'a.jks', password: SECRET } }, functions: { tls: 'new ks' } })],
  ['a password in a plan of version 2', plan({ password: SECRET }, { version: 2 })],
  ['a password and a function naming another keystore', plan({ password: SECRET }, { functions: { tls: 'other' } })],
  ['a password and no functions', plan({ password: SECRET }, { functions: {} })],
  ['a password and an unknown top-level key', plan({ password: SECRET }, { passwords: [SECRET] })],
  // UTF-16 (without a byte order mark) as the CLI reads it, as UTF-8: the text with a NUL after each character.
  ['the plan saved as UTF-16', Buffer.from(good, 'utf16le').toString('utf8')],
];

describe('parsePlan: no message or hint quotes a password', () => {
  test.each(BROKEN)('%s', (_name, text) => {
    const e = errorOf(() => parsePlan(text));
    expect(e.code).toBe('PLAN_INVALID');
    expect(leaks(`${e.message}\n${e.hint ?? ''}\n${e.describe()}`)).toEqual([]);
  });

  test('nor does any plan made by damaging a good one at any one place', () => {
    let refused = 0;
    const found = new Set<string>();
    for (let i = 0; i <= good.length; i++) {
      for (const damaged of [good.slice(0, i) + good.slice(i + 1), ...['"', "'", ',', ':', '{', '}', '\\', '\n', 'x', '/'].map((c) => good.slice(0, i) + c + good.slice(i))]) {
        let message: string;
        try {
          parsePlan(damaged);
          continue;
        } catch (err) {
          const e = err as { message: string; hint?: string };
          message = `${e.message}\n${e.hint ?? ''}`;
        }
        refused++;
        for (const p of leaks(message)) found.add(`${p} in: ${message}`);
      }
    }
    expect([...found]).toEqual([]);
    expect(refused).toBeGreaterThan(good.length * 5); // most damage is refused: the check above is not vacuous
  });
});

describe('apply --plan: nothing printed about a broken plan quotes a password', () => {
  const home = copyHome('carbon-kernel-4.4.26');
  const dir = mkdtempSync(join(tmpdir(), 'wso2-ks-plan-secrets-'));

  async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const m = memoryIo(dir, { NEWKS_PASS: 'from-env' });
    const code = await main(args, m.io);
    return { code, out: m.stdout(), err: m.stderr() };
  }

  test.each(BROKEN.map(([name, text], i) => [name, text, i] as const))('%s', async (_name, text, i) => {
    const file = join(dir, `plan-${i}.json`);
    writeFileSync(file, text);
    // What the run must report: the plan's own error, and nothing else.
    const e = errorOf(() => parsePlan(text));

    const human = await run(['apply', home, '--plan', file, '--dry-run']);
    // Named by the file it came from, as the user gave it.
    expect(human).toEqual({ code: 1, out: '', err: `error: ${file}: ${e.describe()}\n` });
    expect(leaks(human.out + human.err)).toEqual([]);

    const json = await run(['apply', home, '--plan', file, '--dry-run', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out).error).toEqual({ code: 'PLAN_INVALID', message: e.message, file, line: null, hint: e.hint ?? null });
    expect(leaks(json.out + json.err)).toEqual([]);
  });
});

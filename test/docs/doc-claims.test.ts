/**
 * What README.md and docs/ (docs/performance.md aside) show a reader must be what the CLI does:
 * - every `wso2-keystore SUB …` they show names a subcommand, gives only options that subcommand
 *   has (read from its own --help), and no more arguments than it takes;
 * - every error code they name in backticks is one src/errors.ts defines;
 * - every plan they show parses;
 * - the README's plan, run as the README runs it (`apply --plan plan.json HOME --dry-run`, here with
 *   --json) on a copy of EI 6.2.0, is accepted, writes nothing, and answers with exactly the fields
 *   docs/plan-file.md's Output example lists (plus `dryRun`).
 * Everything runs in-process through src/cli/main.ts: no build needed.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { main } from '../../src/cli/main';
import { parsePlan } from '../../src/plan/plan';
import { copyHome, hashTree, listFiles, REPO } from '../helpers/home';
import { memoryIo } from '../helpers/io';
import { describeWithKeytool, genKeyPair, tmpDir } from '../helpers/keytool';

// main.ts loads a command as './commands/x.js' (the name in dist/ and the bundle); jest needs the .ts.
jest.mock('../../src/cli/commands/apply.js', () => jest.requireActual('../../src/cli/commands/apply.ts'), { virtual: true });

const DOCS = ['README.md', ...readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md') && f !== 'performance.md').map((f) => `docs/${f}`)];
const text = (doc: string) => readFileSync(join(REPO, doc), 'utf8');

/** Fenced blocks (with their info string) and the inline code spans of the prose around them. */
function codeOf(doc: string): { fenced: Array<{ lang: string; body: string }>; inline: string[] } {
  const fenced: Array<{ lang: string; body: string }> = [];
  const prose = text(doc).replace(/^```(\w*)\n([\s\S]*?)^```$/gm, (_m, lang: string, body: string) => {
    fenced.push({ lang, body });
    return '';
  });
  const inline = [...prose.matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\s+/g, ' '));
  return { fenced, inline };
}

function run(argv: string[], env: NodeJS.ProcessEnv = {}, cwd = REPO) {
  const m = memoryIo(cwd, env);
  return main(argv, m.io).then((code) => ({ code, stdout: m.stdout(), stderr: m.stderr() }));
}

interface Usage {
  options: Map<string, boolean>; // option → takes a value
  maxArgs: number;
}

/** A subcommand's options and argument count, from its own --help (commander's, so always current). */
async function usageOf(sub: string): Promise<Usage> {
  const { code, stdout } = await run([sub, '--help']);
  expect(code).toBe(0);
  const usageLine = /^Usage: wso2-keystore \S+ (.*)$/m.exec(stdout)![1];
  const maxArgs = (usageLine.replace('[options]', '').match(/[[<][^\]>]+[\]>]/g) ?? []).length;
  const options = new Map<string, boolean>();
  for (const m of stdout.matchAll(/^\s+(?:-\w, )?(--[a-z][a-z0-9-]*)( <[^>]+>)?/gm)) options.set(m[1], Boolean(m[2]));
  return { options, maxArgs };
}

/**
 * Every `wso2-keystore …` command in a doc, up to a comment, a pipe or the end of the command: an
 * inline code span that starts with it, or a line of a fenced block that starts with it (after
 * indentation or a label such as "To undo:"). Prose inside blocks ("a wso2-keystore command is
 * writing", "O=wso2-keystore demo") is not a command.
 */
function commandLines(doc: string): string[] {
  const { fenced, inline } = codeOf(doc);
  const found = [
    ...fenced.flatMap((f) => f.body.split('\n')).map((l) => /(?:^\s*|:\s+)wso2-keystore(?=\s|$)(.*)$/.exec(l)),
    ...inline.map((span) => /^wso2-keystore(?=\s|$)(.*)$/.exec(span)),
  ];
  return found.filter((m) => m !== null).map((m) => m![1].split(/\s(?:#|&&|\|\||\||;|>|\\)(?:\s|$)/)[0].trim());
}

const GLOBAL = ['--version', '-V', '--help', '-h'];

test('the command lines are found (README: its Use block and more)', () => {
  const readme = commandLines('README.md');
  expect(readme.length).toBeGreaterThanOrEqual(9);
  expect(readme).toContain('restore /opt/wso2ei-6.2.0 --id 20261125T195216Z-3be2');
  expect(commandLines('docs/user-guide.md')).toContain('restore /tmp/wso2-keystore-demo-9gvLvU/wso2ei-6.2.0 --id 20261125T201249Z-6b2d');
});

test.each(DOCS)('%s: every wso2-keystore command it shows exists, with options and arguments the CLI takes', async (doc) => {
  const commands = (await run(['--help'])).stdout.match(/^ {2}([a-z]+) \[options\]/gm)!.map((s) => s.trim().split(' ')[0]);
  const problems: string[] = [];
  for (const line of commandLines(doc)) {
    const tokens = line.split(/\s+/).filter(Boolean).map((t) => t.replace(/^[["'(]+|[\]"')]+$/g, '')).filter(Boolean);
    const [sub, ...rest] = tokens;
    if (sub === undefined) continue; // the menu
    if (sub.startsWith('-')) {
      if (!GLOBAL.includes(sub)) problems.push(`${line}: no global option ${sub}`);
      continue;
    }
    if (sub === 'help') {
      // `help [command]`: the one argument, if given, must be a command.
      if (rest.length > 1 || (rest[0] !== undefined && !commands.includes(rest[0]))) problems.push(`${line}: "help" takes one command name`);
      continue;
    }
    if (!commands.includes(sub)) {
      problems.push(`${line}: no command "${sub}"`);
      continue;
    }
    const usage = await usageOf(sub);
    let args = 0;
    for (let i = 0; i < rest.length; i++) {
      const t = rest[i];
      if (t.startsWith('--')) {
        const name = t.split('=')[0];
        if (!usage.options.has(name)) problems.push(`${line}: "${sub}" has no option ${name}`);
        else if (usage.options.get(name) && !t.includes('=')) i++; // its value
      } else if (!t.startsWith('-')) args++;
    }
    if (args > usage.maxArgs) problems.push(`${line}: "${sub}" takes at most ${usage.maxArgs} argument(s), the doc gives ${args}`);
  }
  expect(problems).toEqual([]);
});

test('every error code the docs name in backticks is one src/errors.ts defines', () => {
  const envRead = new Set(
    [join(REPO, 'bin', 'wso2-keystore.js'), ...listFiles(join(REPO, 'src')).map((f) => join(REPO, 'src', f))]
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1])),
  );
  expect(envRead).toContain('WSO2KS_NO_BUNDLE');
  const defined = new Set([...readFileSync(join(REPO, 'src', 'errors.ts'), 'utf8').matchAll(/^\s+\| '([A-Z_]+)'/gm)].map((m) => m[1]));
  expect(defined.size).toBeGreaterThan(20);
  const named = DOCS.flatMap((doc) =>
    [...text(doc).matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)]
      .map((m) => m[1])
      .filter((n) => !envRead.has(n) && !n.endsWith('_PASS')) // environment variables: the CLI's own, and plans' passwords
      .map((n) => ({ doc, n })),
  );
  expect(named.length).toBeGreaterThan(10);
  expect(named.filter(({ n }) => !defined.has(n))).toEqual([]);
});

/** The JSON blocks that are plans: README's, plan-file.md's, cluster.md's. */
const planBlocks = DOCS.flatMap((doc) =>
  codeOf(doc)
    .fenced.filter((f) => f.lang === 'json' && /"version": 1/.test(f.body) && /"functions"/.test(f.body))
    .map((f) => ({ doc, body: f.body })),
);

test('the docs show plans, and every one of them parses', () => {
  expect(planBlocks.map((p) => p.doc)).toEqual(expect.arrayContaining(['README.md', 'docs/plan-file.md', 'docs/cluster.md']));
  for (const p of planBlocks) expect(() => parsePlan(p.body)).not.toThrow();
});

describeWithKeytool("the README's plan on EI 6.2.0", () => {
  const cleanup: string[] = [];
  afterAll(() => cleanup.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('apply --plan plan.json HOME --dry-run --json: accepted, nothing written, the fields plan-file.md lists', async () => {
    const readmePlan = planBlocks.find((p) => p.doc === 'README.md')!.body;
    const plan = parsePlan(readmePlan);
    const home = copyHome('ei-6.2.0');
    const planDir = tmpDir('doc-plan');
    cleanup.push(dirname(home), planDir);
    const newks = plan.keystores.newks;
    genKeyPair({ file: join(home, newks.path), storeType: newks.type!, storePass: 'newks-pass', alias: newks.alias! });
    const planFile = join(planDir, 'plan.json');
    writeFileSync(planFile, readmePlan);
    const before = hashTree(home, true);

    const r = await run(['apply', '--plan', planFile, home, '--dry-run', '--json'], { NEWKS_PASS: 'newks-pass', TRUST_PASS: 'wso2carbon' });

    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(hashTree(home, true)).toEqual(before);
    const got = JSON.parse(r.stdout);
    expect(got).toMatchObject({ changed: true, backup: null, dryRun: true });

    const outputSection = text('docs/plan-file.md').split(/^## Output$/m)[1];
    const example = JSON.parse(/```json\n([\s\S]*?)```/.exec(outputSection)![1]);
    expect(Object.keys(got).sort()).toEqual([...Object.keys(example), 'dryRun'].sort());
    const changedFile = got.files.find((f: { changed: boolean }) => f.changed);
    expect(Object.keys(changedFile).sort()).toEqual(Object.keys(example.files[0]).sort());
    expect(Object.keys(changedFile.changes[0]).sort()).toEqual(Object.keys(example.files[0].changes[0]).sort());
  });
});

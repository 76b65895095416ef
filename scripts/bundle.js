#!/usr/bin/env node
'use strict';
/**
 * `npm run build` step 2: bundle the CLI with esbuild into dist/bundle/, so a run loads a handful of
 * files instead of ~70 (module resolution and compilation were a third of `scan`'s start-up).
 * bin/wso2-keystore.js prefers the bundle and falls back to dist/ (tsc's output) when there is no
 * bundle or it is older than dist/ (someone ran tsc alone): the bundle is an optimisation, never
 * the only way to run.
 *
 * Layout: dist/bundle/cli/entry.js holds main + io + commander, and nothing else, so `--version`
 * and `--help` stay small; each command is its own file under dist/bundle/cli/commands/, loaded by
 * main's `import('./commands/x.js')` exactly as in dist/. Modules a command shares with another are
 * copied into each (only one command runs per process). node-forge (RC2 only) stays external and is
 * required from node_modules when a legacy PKCS12 needs it. The prompts are bundled (they are
 * ESM-only, and loading them from node_modules took longer than the whole wizard start-up target);
 * src/ imports each prompt's own package (@inquirer/input, …), never the @inquirer/prompts barrel,
 * whose `editor` alone pulled in iconv-lite and chardet (660 KiB of a 900 KiB command bundle).
 *
 * Then scripts/code-cache.js makes the V8 code cache of each bundle file (`<file>.js.cache`, used by
 * bin/) by running the CLI on a scratch copy of the sample home.
 *
 * Not minified, with names kept and a source map, so a stack trace from the bundle still reads.
 * Tests do not use the bundle: jest runs on src/, and e2e tests run bin/, which uses whatever
 * `npm run build` made last.
 */
const { readdirSync, readFileSync, rmSync } = require('node:fs');
const { join, relative } = require('node:path');

const REPO = join(__dirname, '..');
const OUT = join(REPO, 'dist', 'bundle');

let esbuild;
try {
  esbuild = require('esbuild');
} catch {
  // esbuild is a devDependency: an install without it (npm install --omit=dev) runs from dist/.
  process.stderr.write('bundle: esbuild is not installed; the CLI runs from dist/ (tsc output)\n');
  process.exit(0);
}

const commands = readdirSync(join(REPO, 'src', 'cli', 'commands')).filter((f) => f.endsWith('.ts'));

/**
 * - `wso2-keystore:entry` is the entry file, made here rather than kept in src/.
 * - `./commands/x.js` from main stays a run-time import of the sibling bundle.
 * - src/edit/templates.ts finds templates/ from __dirname; in a command bundle that is
 *   dist/bundle/cli/commands, two folders deeper than dist/edit, so the path gets two more '..'.
 */
const layoutPlugin = {
  name: 'wso2-keystore-layout',
  setup(build) {
    // What bin/ needs, in one file: the same two exports it takes from dist/cli/main.js and io.js.
    build.onResolve({ filter: /^wso2-keystore:entry$/ }, () => ({ path: 'entry', namespace: 'wso2-keystore' }));
    build.onLoad({ filter: /^entry$/, namespace: 'wso2-keystore' }, () => ({
      contents: "export { main } from './main';\nexport { processIo } from './io';\n",
      resolveDir: join(REPO, 'src', 'cli'),
      loader: 'ts',
    }));
    build.onResolve({ filter: /^\.\/commands\/[\w-]+\.js$/ }, (args) =>
      args.importer.endsWith(join('src', 'cli', 'main.ts')) ? { path: args.path, external: true } : undefined,
    );
    // commander requires node:child_process when it loads, for subcommands that are executables,
    // which this CLI has none of; loading it (with net, dgram, …) is ~1.5–5 ms of every run. In
    // commander, and only there, it becomes a module that requires the real one on first use.
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'wso2-keystore' } : undefined,
    );
    build.onLoad({ filter: /^lazy-child-process$/, namespace: 'wso2-keystore' }, () => ({
      contents: "let cp;\nmodule.exports = new Proxy({}, { get: (_, key) => (cp = cp || require('node:child_process'))[key] });\n",
      loader: 'js',
    }));
    build.onLoad({ filter: /[\\/]src[\\/]edit[\\/]templates\.ts$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const from = "join(__dirname, '..', '..', 'templates')";
      if (!src.includes(from)) throw new Error(`bundle: ${relative(REPO, args.path)} no longer holds ${from}; update scripts/bundle.js`);
      return { contents: src.replace(from, "join(__dirname, '..', '..', '..', '..', 'templates')"), loader: 'ts' };
    });
  },
};

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: REPO,
    entryPoints: [
      { in: 'wso2-keystore:entry', out: 'cli/entry' },
      ...commands.map((f) => ({ in: `src/cli/commands/${f}`, out: `cli/commands/${f.replace(/\.ts$/, '')}` })),
    ],
    outdir: OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // import() of a sibling bundle would go through the ESM loader, whose CommonJS export scan
    // (cjs-module-lexer) read the whole 140 KiB file: ~50 ms. require() does not scan.
    supported: { 'dynamic-import': false },
    external: ['node-forge'],
    sourcemap: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    plugins: [layoutPlugin],
  });
  const sizes = Object.entries(result.metafile.outputs)
    .filter(([f]) => f.endsWith('.js'))
    .map(([f, o]) => `${relative(OUT, join(REPO, f))} ${(o.bytes / 1024).toFixed(0)} KiB`);
  if (process.env.BUNDLE_VERBOSE) process.stderr.write(`bundle: ${sizes.join(', ')}\n`);
  if (process.env.BUNDLE_META) require('node:fs').writeFileSync(process.env.BUNDLE_META, JSON.stringify(result.metafile));
  // Then the V8 code cache of each bundle file, made by running the CLI (scripts/code-cache.js).
  await require('./code-cache.js').makeCodeCache();
}

main().catch((e) => {
  process.stderr.write(`bundle failed: ${e.message}\n`);
  process.exitCode = 1;
});

#!/usr/bin/env node
'use strict';
// Tiny on purpose: all logic lives in dist/ (built from src/ by `npm run build`).
// Except `--version` alone, answered before any of it loads: it is what scripts and monitoring call
// most, and loading the CLI bundle was ~10% over bare node (docs/performance.md). main() answers it
// the same way for callers that do not come through here.
if (process.argv.length === 3 && (process.argv[2] === '--version' || process.argv[2] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
  return;
}
const { statSync } = require('node:fs');
const { join } = require('node:path');

/**
 * The esbuild bundle (dist/bundle, made by `npm run build` after tsc) when it is at least as new as
 * tsc's output; dist/ itself otherwise: no esbuild, a bare `tsc` run since (the e2e tests' rebuild),
 * or WSO2KS_NO_BUNDLE set. Same code either way; the bundle starts faster (docs/performance.md).
 */
function load() {
  const dist = join(__dirname, '..', 'dist');
  if (!process.env.WSO2KS_NO_BUNDLE) {
    const mtime = (p) => {
      try {
        return statSync(p).mtimeMs;
      } catch {
        return undefined;
      }
    };
    const bundle = join(dist, 'bundle', 'cli', 'entry.js');
    const built = mtime(bundle);
    if (built !== undefined && built >= (mtime(join(dist, 'cli', 'main.js')) ?? 0)) return require(bundle);
  }
  return { ...require('../dist/cli/main.js'), ...require('../dist/cli/io.js') };
}
const { main, processIo } = load();

// `wso2-keystore scan | head` closes the pipe early: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e && e.code === 'EPIPE') process.exit(process.exitCode || 0);
    throw e;
  });
}

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`internal error: ${err && err.message ? err.message : err}\n`);
    if (process.env.WSO2KS_DEBUG && err && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 1;
  },
);

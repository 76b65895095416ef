#!/usr/bin/env node
'use strict';
// Tiny on purpose: all logic lives in dist/ (built from src/ by `npm run build`).
// Except `--version` alone, answered before any of it loads: it is what scripts and monitoring call
// most, and loading the CLI bundle was ~10% over bare node (docs/performance.md). main() answers it
// the same way for callers that do not come through here.
// Written to the descriptor, not through process.stdout, whose stream (node's stream, net and
// pipe modules) is ~7 ms of a fresh process when stdout is a pipe (src/cli/io.ts does the same).
if (process.argv.length === 3 && (process.argv[2] === '--version' || process.argv[2] === '-V')) {
  const line = `${require('../package.json').version}\n`;
  try {
    require('node:fs').writeSync(1, line);
  } catch (e) {
    if (e.code !== 'EPIPE') process.stdout.write(line); // e.g. EAGAIN on a full non-blocking pipe
  }
  return;
}
const { statSync } = require('node:fs');
const { join, sep } = require('node:path');

/**
 * V8 code cache for the bundle (Node 22's `module.enableCompileCache()`, by hand for Node 20).
 * V8 compiles each bundle file (entry.js, then the command's file) at load, and each function on
 * its first call; with the bytecode from a cache it deserialises instead (scan.js: 3.6–5.5 ms to
 * compile the top level, ~1 ms from the cache; the functions a run calls come with it).
 *
 * How: `.js` files under dist/bundle/, and only those, are loaded here instead of by Node's
 * `Module._extensions['.js']`: read, compiled in a `vm.Script` (the CommonJS wrapper) given
 * `cachedData`, run, and called with exports, require, module, __filename and __dirname, as Node
 * does. Hooking the loader rather than loading the files ourselves keeps Node's resolution and
 * module cache, and catches the command file entry.js loads with a plain require('./commands/x.js').
 * The loader rather than `Module.prototype._compile` because it has the file's bytes: hashing
 * them costs a fifth of hashing the decoded source (0.1–0.5 ms against 0.7–4.5 ms, setup.js).
 *
 * The cache is `<file>.cache` next to each bundle file, made by `npm run build`
 * (scripts/code-cache.js): owned by whoever installed the package, like the code itself. It is
 * NEVER made at run time into a shared writable place such as $TMPDIR: V8 runs cached bytecode
 * without comparing it to the source, so a cache anyone else can write is a code-injection vector.
 *
 * V8 checks only the source's LENGTH (and its own version and flags): a cache left from another
 * build of the same length would run that build's code. So each cache holds the very bytes of the
 * file it was made for, compared here with the file's bytes (one memcmp) before V8 sees the data.
 * Not a hash: node:crypto costs ~4 ms to load, and `scan` and the wizard's first screen need it
 * for nothing else; not size + mtime: npm pack sets every file's mtime to one date, so a published
 * package would never match. A missing, short, foreign or stale cache, or one V8 rejects
 * (`cachedDataRejected`, e.g. after a Node upgrade), means a plain compile, silently.
 *
 * WSO2KS_CODE_CACHE: `off` loads the Node way (no hook; also so under --enable-source-maps);
 * `report` says on stderr what each file got (used, none, stale, rejected); `write` is for
 * scripts/code-cache.js: at exit, it writes each file's cache with all this run compiled, on top
 * of the cache it started from.
 */
// A cache file: the magic, the file's length (4 bytes, big-endian), the file's bytes, V8's data.
// Change the magic when WRAP changes: the bytes are the file's, not the wrapper's.
const CACHE_MAGIC = 'WKSC2\n';
const HEADER = CACHE_MAGIC.length + 4;
const WRAP = ['(function (exports, require, module, __filename, __dirname) { ', '\n});'];

function useCodeCache(bundleDir, mode) {
  const Module = require('node:module');
  const vm = require('node:vm');
  const { readFileSync } = require('node:fs');
  const prefix = bundleDir + sep;
  const loadJs = Module._extensions['.js'];
  const compiled = [];
  const report = (file, what) => {
    if (mode === 'report') process.stderr.write(`code cache: ${file.slice(prefix.length)}: ${what}\n`);
  };

  Module._extensions['.js'] = function loadWithCodeCache(mod, filename) {
    if (typeof filename !== 'string' || !filename.startsWith(prefix)) return loadJs.apply(this, arguments);
    const bytes = readFileSync(filename);
    let cachedData;
    let status = 'none';
    try {
      const data = readFileSync(`${filename}.cache`);
      const v8At = HEADER + bytes.length;
      if (
        data.length > v8At &&
        data.toString('latin1', 0, CACHE_MAGIC.length) === CACHE_MAGIC &&
        data.readUInt32BE(CACHE_MAGIC.length) === bytes.length &&
        bytes.equals(data.subarray(HEADER, v8At))
      ) {
        cachedData = data.subarray(v8At);
      } else status = 'stale';
    } catch {
      // no cache (or unreadable): compile from source
    }
    const script = new vm.Script(WRAP[0] + bytes.toString('utf8') + WRAP[1], {
      filename,
      cachedData,
      importModuleDynamically: vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (cachedData) status = script.cachedDataRejected ? 'rejected' : 'used';
    report(filename, status);
    if (mode === 'write') compiled.push({ filename, bytes, script });

    const req = (id) => mod.require(id);
    req.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
    req.main = require.main;
    req.cache = Module._cache;
    req.extensions = Module._extensions;
    const dirname = filename.slice(0, filename.lastIndexOf(sep));
    script.runInThisContext().call(mod.exports, mod.exports, req, mod, filename, dirname);
  };

  if (mode === 'write') {
    process.on('exit', () => {
      const { renameSync, rmSync, writeFileSync } = require('node:fs');
      for (const { filename, bytes, script } of compiled) {
        const tmp = `${filename}.cache.${process.pid}`;
        const length = Buffer.alloc(4);
        length.writeUInt32BE(bytes.length);
        try {
          writeFileSync(tmp, Buffer.concat([Buffer.from(CACHE_MAGIC, 'latin1'), length, bytes, script.createCachedData()]));
          renameSync(tmp, `${filename}.cache`); // whole or not at all, for a run reading it meanwhile
        } catch (e) {
          rmSync(tmp, { force: true }); // no half-written file left beside the bundle
          process.stderr.write(`code cache: ${filename}.cache not written: ${e.message}\n`);
          process.exitCode = 1;
        }
      }
    });
  }
}

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
    if (built !== undefined && built >= (mtime(join(dist, 'cli', 'main.js')) ?? 0)) {
      const mode = process.env.WSO2KS_CODE_CACHE;
      // Under --enable-source-maps, Node's own loader maps stack traces through the bundle's .map.
      if (mode !== 'off' && !process.sourceMapsEnabled) useCodeCache(join(dist, 'bundle'), mode);
      return require(bundle);
    }
  }
  return { ...require('../dist/cli/main.js'), ...require('../dist/cli/io.js') };
}
const { main, processIo } = load();

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

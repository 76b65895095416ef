#!/usr/bin/env node
'use strict';
// Tiny on purpose: all logic lives in dist/ (built from src/ by `npm run build`).
const { main } = require('../dist/cli/main.js');
const { processIo } = require('../dist/cli/io.js');

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

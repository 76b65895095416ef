#!/usr/bin/env node
'use strict';
// Tiny on purpose: all logic lives in dist/ (built from src/ by `npm run build`).
const { main } = require('../dist/cli/main.js');
const { processIo } = require('../dist/cli/io.js');

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

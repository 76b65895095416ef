#!/usr/bin/env node
'use strict';
/**
 * `npm start`: try the tool on a scratch copy of the bundled sample home (samples/wso2ei-6.2.0),
 * never on your files. On a terminal it starts the wizard; otherwise it shows the dry run of
 * samples/demo-plan.json.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'wso2-keystore-demo-'));
const home = path.join(scratch, 'wso2ei-6.2.0');
fs.cpSync(path.join(root, 'samples', 'wso2ei-6.2.0'), home, { recursive: true });
fs.copyFileSync(path.join(root, 'samples', 'keystores', 'demo-keystore.p12'), path.join(home, 'repository', 'resources', 'security', 'demo-keystore.p12'));

const say = (s) => process.stdout.write(`${s}\n`);
say(`Demo home (a scratch copy; your files are not touched): ${home}`);
say('New keystore for the demo: repository/resources/security/demo-keystore.p12');
say('  store and key password: demo-store-pass   alias: demokey');
say('');

const cli = path.join(root, 'bin', 'wso2-keystore.js');
const interactive = process.stdin.isTTY && process.stdout.isTTY && !process.env.CI;
const args = interactive ? ['setup', home] : ['apply', '--plan', path.join(root, 'samples', 'demo-plan.json'), home, '--dry-run'];
if (!interactive) say(`Not a terminal: showing  wso2-keystore ${args.join(' ')}\n`);
const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', env: { ...process.env, DEMO_STORE_PASS: 'demo-store-pass' } });
say(`\nThe demo home stays at ${home} (delete it when done).`);
process.exitCode = r.status === null ? 1 : r.status;

'use strict';
/**
 * Figure 5's second measure: the planner called directly on a home, as `apply --dry-run --json`
 * does after its checks, but reading the config files here, so a file over the CLI's
 * 16 MB FILE_TOO_LARGE limit (src/home/read-files.ts) can still be timed. It runs what grows with
 * the file: decode, parse, plan the edits, apply them, parse the result back, and the JSON view.
 * The keystore checks are left out: they do not depend on the config's size.
 *
 *   node scripts/bench/plan-direct.js PLAN HOME      (built dist/ required)
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', '..', 'dist');
const { detectHome } = require(join(dist, 'home', 'layout.js'));
const { parsePlan } = require(join(dist, 'plan', 'plan.js'));
const { resolveKeystores, targetsOf } = require(join(dist, 'plan', 'targets.js'));
const { planChanges } = require(join(dist, 'changes', 'plan-changes.js'));
const { jsonFiles } = require(join(dist, 'preview', 'diff.js'));

const [planFile, homeArg] = process.argv.slice(2);
const layout = detectHome(homeArg);
const plan = parsePlan(readFileSync(planFile, 'utf8'));
const resolved = resolveKeystores(plan, layout.home, process.env, (p) => readFileSync(p));
const f = layout.files;
const files = new Map();
for (const rel of [f.carbon, f.catalina, f.secPolicy, f.deploymentToml, f.cipherText, f.cipherTool, ...f.axis2].filter(Boolean)) {
  files.set(rel, readFileSync(join(layout.home, rel)));
}
const cs = planChanges({ layout, files, targets: targetsOf(plan, resolved), confirmInternalKeystoreChange: plan.confirmInternalKeystoreChange });
process.stdout.write(`${JSON.stringify({ files: jsonFiles(cs) })}\n`);

/**
 * The set-up wizard (issue 4): answers → Plan → the same core as `apply --plan` (buildChangeSet,
 * then writeChangeSet's transaction). The flow asks, shows and decides; it never edits a config
 * file itself. The only file it writes is the plan file the user asks it to save.
 *
 * Order: home and current set-up → new keystore(s), each checked on the spot → functions → the
 * internal-encryption guard → truststore import offer → preview → apply (or stop: --dry-run) →
 * verify → offer to save the plan with passwords as {"env": …} references.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KsError } from '../errors';
import type { Targets } from '../changes/plan-changes';
import type { ChangeSet, KsFunction } from '../changes/types';
import { readCarbonXml } from '../edit/carbon';
import { normalizeConfigPath } from '../edit/paths';
import { detectHome, type HomeLayout } from '../home/layout';
import { readHomeFiles } from '../home/read-files';
import { decodedText } from '../changes/decoded';
import { parseXml } from '../xml/document';
import { recoverFirst } from '../cli/commands/recover';
import { verifyHome } from '../cli/commands/verify';
import { currentSettings, where } from '../home/settings';
import type { CliIo } from '../cli/io';
import { undoCommand, sayOnSignal, shellQuote, type Out } from '../cli/output';
import { KEY_FUNCTIONS, describeCurrent, explainFunction, functionChoices, functionsOf } from './functions';
import { askKeystore, keystoreName, planPath, type WizardKeystore } from './keystore-step';
import type { Plan } from '../plan/plan';
import { livePlan, planJson, proposeEnvNames, savedPlan, type Answers } from './plan-out';
import type { Prompter } from './prompter';

/*
 * The planner, the preview and the transaction are needed only after the first answer: required
 * then, so the first question is drawn without evaluating them and the modules they pull in (issue
 * 7, figure 6). What the first question needs (the layout, the current settings) stays static.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const applyLib = () => require('../cli/commands/apply') as typeof import('../cli/commands/apply');
const previewLib = () => require('../preview/diff') as typeof import('../preview/diff');
const plannerLib = () => require('../changes/plan-changes') as typeof import('../changes/plan-changes');
/* eslint-enable @typescript-eslint/no-require-imports */
const buildChangeSet: typeof import('../cli/commands/apply').buildChangeSet = (...a) => applyLib().buildChangeSet(...a);
const writeChangeSet: typeof import('../cli/commands/apply').writeChangeSet = (...a) => applyLib().writeChangeSet(...a);
const checkChangeSetTargets: typeof import('../cli/commands/apply').checkChangeSetTargets = (...a) => applyLib().checkChangeSetTargets(...a);

export interface WizardContext {
  io: CliIo;
  out: Out;
  prompt: Prompter;
  now?: Date;
  /** Told when the transaction starts and ends, so a Ctrl-C handler can leave the signal to it. */
  onWriting?: (writing: boolean) => void;
  /** Told when a change is written (its checkpoint), so a later Ctrl-C does not say "nothing was written". */
  onWritten?: (id: string, home: string) => void;
}

export interface SetupOptions {
  home?: string;
  dryRun?: boolean;
  savePlan?: string;
}

const say = (ctx: WizardContext) => (s: string) => ctx.out.out(`${s}\n`);

/** `text` as lines of at most `width` characters (longer words stay whole), each starting with `indent`. */
function wrap(text: string, indent: string, width = 106): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** The home from the argument, else the current directory when it is one, else asked. */
export async function resolveHome(ctx: WizardContext, arg?: string): Promise<HomeLayout> {
  if (arg) return detectHome(resolve(ctx.io.cwd, arg));
  try {
    return detectHome(ctx.io.cwd);
  } catch {
    /* not a home: ask */
  }
  const answer = await ctx.prompt.input({
    message: 'WSO2 product home (the folder that holds bin/ and repository/ or conf/):',
    validate: (v) => {
      try {
        detectHome(resolve(ctx.io.cwd, v.trim() || '.'));
        return true;
      } catch (e) {
        return (e as Error).message;
      }
    },
  });
  return detectHome(resolve(ctx.io.cwd, answer.trim()));
}

export async function runSetup(ctx: WizardContext, opts: SetupOptions): Promise<number> {
  const tell = say(ctx);
  const now = ctx.now ?? new Date();

  // 1. Home, layout, and what it uses now.
  const layout = await resolveHome(ctx, opts.home);
  await recoverFirst(layout.home, ctx.out, { dryRun: opts.dryRun });
  const files = await readHomeFiles(layout);
  const settings = currentSettings(layout, files);
  // deployment.toml homes: carbon.xml is generated, so the internal guard is the planner's (below).
  const carbon = layout.era === 'xml' && layout.files.carbon && files.get(layout.files.carbon) ? readCarbonXml(parseXml(decodedText(files.get(layout.files.carbon)!, layout.files.carbon).text, layout.files.carbon)) : null;
  tell(`Home:   ${layout.home}`);
  tell(`Layout: ${layout.description}`);
  tell('Keystores it uses now:');
  ctx.out.out(describeCurrent(settings));
  if (carbon && !carbon.internal && carbon.primary) tell('  (no Security/InternalKeyStore: the primary keystore also encrypts internal data)');
  tell('');

  // 2. The new keystore(s).
  const inUse = new Set(settings.filter((s) => s.location).map((s) => resolve(layout.home, normalizeConfigPath(s.location!))));
  const keystores: WizardKeystore[] = [];
  for (;;) {
    const k = await askKeystore({ prompt: ctx.prompt, say: tell, home: layout.home, inUse, takenNames: new Set(keystores.map((x) => x.name)), now }, new Set(keystores.map((x) => x.absPath)));
    ctx.out.addSecrets([k.password, k.keyPassword ?? '']);
    keystores.push(k);
    tell('');
    const more = await ctx.prompt.confirm({ message: 'Add another keystore (for example one for TLS and another for signing)?', default: false });
    if (!more) break;
  }

  // 3. Which keystore serves which function.
  const available = functionsOf(settings);
  const haveKey = keystores.some((k) => k.alias);
  // Primary also encrypts internal data where nothing else is named for it: no InternalKeyStore in
  // carbon.xml, or no [keystore.internal] in deployment.toml (which then follows [keystore.primary]).
  const internalNow = settings.find((s) => s.function === 'internal');
  const primaryEncrypts = layout.era === 'toml' ? Boolean(internalNow && 'present' in internalNow && !internalNow.present) : Boolean(carbon && !carbon.internal);
  const functions = await chooseFunctions(ctx, available, keystores, haveKey, primaryEncrypts, layout.era);
  if (Object.keys(functions).length === 0) {
    tell('No function chosen: nothing to change. Nothing was written.');
    return 1;
  }
  const answers: Answers = { keystores, functions };

  // 4. The keystore that encrypts internal data.
  if (carbon) {
    const change = plannerLib().internalKeystoreChange(carbon, targetsOf(answers));
    if (change) {
      const viaPrimary = !carbon.internal;
      tell('');
      tell('WARNING: this changes the keystore that encrypts internal data.');
      tell(`  now:   ${change.from}`);
      tell(`  after: ${change.to}`);
      if (viaPrimary) tell('  This home has no Security/InternalKeyStore, so its primary keystore encrypts internal data.');
      const { INTERNAL_KEYSTORE_CONSEQUENCES, INTERNAL_KEYSTORE_ADVICE } = plannerLib(); // the planner's refusal says the same
      for (const line of wrap(`${INTERNAL_KEYSTORE_CONSEQUENCES}. ${INTERNAL_KEYSTORE_ADVICE}.`, '  ')) tell(line);
      const go = await ctx.prompt.confirm({ message: 'Change the internal-encryption keystore anyway?', default: false });
      if (go) answers.confirmInternalKeystoreChange = true;
      else {
        const dropped: KsFunction[] = viaPrimary ? ['primary', 'internal', 'secPolicy'] : ['internal'];
        const removed = dropped.filter((f) => functions[f]);
        for (const f of removed) delete functions[f];
        tell(`Kept: the current keystore stays in place for ${removed.join(', ')}${viaPrimary ? ' (and so for internal data encryption)' : ''}.`);
        if (Object.keys(functions).length === 0) {
          tell('Nothing else to change. Nothing was written.');
          return 1;
        }
        tell(`Going on with: ${Object.keys(functions).join(', ')}.`);
      }
    }
  }

  // On deployment.toml homes the planner decides what moves internal encryption: ask when it refuses.
  const guarded = await confirmPlannerGuard(ctx, layout, answers, settings);
  if (!guarded) return 1;
  const { plan, withImport } = guarded;

  // 5. Truststore: import the new certificates if they are missing.
  let importCert = false;
  let cs: ChangeSet;
  const trustChange = withImport && trustChangeOf(withImport);
  if (withImport && trustChange) {
    tell('');
    tell(`The new certificate is not in the truststore ${trustChange.path}.`);
    tell('  Anything that checks this server against that truststore (the other nodes, the gateway, the management');
    tell('  console calling its own services) fails with "PKIX path building failed" until it is there.');
    importCert = await ctx.prompt.confirm({ message: `Import it into ${trustChange.path}?`, default: true });
  }
  cs = importCert && withImport ? withImport : (guarded.cs ?? (await buildChangeSet(layout, plan, ctx.io.env, { importCert: false })));

  // 5b. Other consumers of the replaced keystore file (identity.xml, sslprofiles.xml, …): move them too?
  const refs = cs.staysBehind ?? [];
  if (refs.length) {
    tell('');
    tell(`${refs.length} other setting(s) outside the functions above use the keystore being replaced:`);
    for (const r of refs.slice(0, 12)) tell(`  ${r}`);
    if (refs.length > 12) tell(`  … and ${refs.length - 12} more`);
    const one = new Set(Object.values(answers.functions)).size === 1;
    const to = one ? 'the new keystore' : 'the keystore that now serves the function they shared the old file with';
    if (await ctx.prompt.confirm({ message: `Move them to ${to} too (with its password), where this tool can?`, default: false })) {
      answers.alsoUpdate = 'sameFile';
      plan.alsoUpdate = 'sameFile';
      cs = await buildChangeSet(layout, plan, ctx.io.env, { importCert });
    }
  }

  // 6. Preview, of files the apply can write: a dry run must refuse where the apply would.
  await checkChangeSetTargets(layout.home, cs);
  const changed = cs.files.filter((f) => !f.before.equals(f.after));
  const view = { color: ctx.io.color };
  tell('');
  const { renderDiff, renderSummary } = previewLib();
  ctx.out.out(renderDiff(cs, view));
  ctx.out.out(renderSummary(cs, view));
  if (changed.length === 0) {
    await offerPlan(ctx, answers, layout, opts, importCert);
    return 0;
  }
  if (opts.dryRun) {
    tell('Dry run: nothing was written.');
    await offerPlan(ctx, answers, layout, opts, importCert);
    return 0;
  }
  const ok = await ctx.prompt.confirm({ message: `Apply these changes to ${changed.length} file(s)?`, default: false });
  if (!ok) {
    tell('Nothing was written.');
    return 1;
  }

  // 7. Apply, then check the result the way the server will read it.
  ctx.onWriting?.(true);
  let id: string;
  try {
    ({ id } = await writeChangeSet(layout.home, cs, `setup${importCert ? ' (import cert)' : ''}`, sayOnSignal(ctx.out, false, layout.home)));
  } finally {
    ctx.onWriting?.(false);
  }
  ctx.onWritten?.(id, layout.home);
  tell('');
  tell(`Applied: ${changed.map((f) => f.path).join(', ')}`);
  await reportVerify(ctx, layout, now);
  tell(`Backup: ${id}`);
  tell(`To undo:  ${undoCommand(layout.home, id)}`);
  tell('Restart the server for the change to take effect.');

  // 8. A plan for the other nodes.
  await offerPlan(ctx, answers, layout, opts, importCert);
  return 0;
}

/** The truststore import in a change set built with importCert, if the certificates were missing. */
const trustChangeOf = (cs: ChangeSet) => cs.files.find((f) => f.binary && f.changes.some((c) => c.setting === 'trusted certificate'));

/**
 * The change sets the flow needs, each built once (a build reads the home, opens every keystore and
 * scans): `withImport`, with the truststore import (null when the import is refused, e.g. the
 * truststore lies outside HOME), and `cs`, without it, where that is the same change set (nothing to
 * import) or the only one there is; when the import would change the truststore, the flow builds
 * the plain one only if the user declines the import.
 */
async function buildForWizard(layout: HomeLayout, plan: Plan, env: NodeJS.ProcessEnv): Promise<{ cs?: ChangeSet; withImport: ChangeSet | null }> {
  let withImport: ChangeSet;
  try {
    withImport = await buildChangeSet(layout, plan, env, { importCert: true });
  } catch (e) {
    if (!(e instanceof KsError) || e.code !== 'PLAN_INVALID') throw e;
    return { cs: await buildChangeSet(layout, plan, env, { importCert: false }), withImport: null };
  }
  return trustChangeOf(withImport) ? { withImport } : { cs: withImport, withImport };
}

/**
 * Build to let the planner's internal-keystore guard speak; ask, and drop or confirm. The change
 * sets it built are returned for the flow to use, not built again.
 */
/**
 * The keystore that encrypts internal data now, as one the plan can name for "internal" (which keeps
 * it there while primary moves): on deployment.toml homes, where [keystore.internal] follows
 * [keystore.primary] until it is written. Only when the file is there and its passwords are in clear
 * in the toml (or in [secrets], not yet encrypted): the plan must open it.
 */
function keepableInternal(layout: HomeLayout, settings: ReturnType<typeof currentSettings>, answers: Answers): WizardKeystore | null {
  const s = settings.find((x) => x.function === 'internal');
  if (layout.era !== 'toml' || answers.functions.internal || !s?.location || s.password === undefined || !s.alias || s.keyPassword === undefined) return null;
  const absPath = resolve(layout.home, normalizeConfigPath(s.location));
  if (!existsSync(absPath)) return null;
  return {
    name: keystoreName(absPath, new Set(answers.keystores.map((k) => k.name))),
    path: planPath(layout.home, absPath),
    absPath,
    type: s.type === 'PKCS12' ? 'PKCS12' : 'JKS',
    password: s.password,
    alias: s.alias,
    ...(s.keyPassword !== s.password ? { keyPassword: s.keyPassword } : {}),
    // It is what the server encrypts with now; a certificate's dates do not matter to that (the stock
    // wso2carbon.jks of many releases has expired), and refusing it would leave only moving the data.
    allowExpired: true,
  };
}

async function confirmPlannerGuard(ctx: WizardContext, layout: HomeLayout, answers: Answers, settings: ReturnType<typeof currentSettings>): Promise<{ plan: Plan; cs?: ChangeSet; withImport: ChangeSet | null } | null> {
  const tell = say(ctx);
  for (;;) {
    const plan = livePlan(answers);
    try {
      return { plan, ...(await buildForWizard(layout, plan, ctx.io.env)) };
    } catch (e) {
      if (!(e instanceof KsError) || e.code !== 'INTERNAL_KEYSTORE_CHANGE') throw e;
      tell('');
      for (const line of wrap(`WARNING: ${e.message}.`, '')) tell(line);
      // Primary moves and internal follows it: keeping internal where it is, as WSO2 advises, is one answer.
      const keep = keepableInternal(layout, settings, answers);
      if (keep) {
        const choice = await ctx.prompt.select({
          message: 'What should encrypt internal data?',
          choices: [
            { name: `The keystore it uses now, ${keep.path} (alias ${keep.alias}): write [keystore.internal] for it`, value: 'keep' },
            { name: 'The new keystore, with primary (only if the encrypted data has been migrated)', value: 'move' },
            { name: 'Leave primary as it is too', value: 'drop' },
          ],
          default: 'keep',
        });
        if (choice === 'keep') {
          answers.keystores.push(keep);
          answers.functions.internal = keep.name;
          tell(`Kept: internal data stays encrypted with ${keep.path} (alias ${keep.alias}); [keystore.internal] will name it.`);
          continue;
        }
        if (choice === 'move') {
          answers.confirmInternalKeystoreChange = true;
          continue;
        }
      } else {
        // The planner's hint speaks of plan files; in the wizard, the way to keep it is a second keystore.
        for (const line of wrap('To keep internal encryption where it is, answer No and run the wizard again with the keystore it uses now added as a second keystore, for "internal" (you will be asked its passwords).', '  ')) tell(line);
        if (await ctx.prompt.confirm({ message: 'Change the internal-encryption keystore anyway?', default: false })) {
          answers.confirmInternalKeystoreChange = true;
          continue;
        }
      }
      const drop: KsFunction[] = answers.functions.internal ? ['internal'] : ['primary', 'secPolicy'];
      const removed = drop.filter((f) => answers.functions[f]);
      for (const f of removed) delete answers.functions[f];
      tell(`Kept: the current keystore stays in place for ${removed.join(', ')}.`);
      if (Object.keys(answers.functions).length === 0 || removed.length === 0) {
        tell('Nothing else to change. Nothing was written.');
        return null;
      }
    }
  }
}

async function chooseFunctions(ctx: WizardContext, available: KsFunction[], keystores: WizardKeystore[], haveKey: boolean, primaryEncrypts: boolean, era: 'xml' | 'toml'): Promise<Partial<Record<KsFunction, string>>> {
  const tell = say(ctx);
  if (available.length === 0) return {};
  const chosen = await ctx.prompt.checkbox({
    message: keystores.length > 1 ? 'Which functions should the new keystores serve? (space to toggle, Enter to go on)' : `Which functions should ${keystores[0].path} serve? (space to toggle, Enter to go on)`,
    choices: functionChoices(available, { haveKey, primaryEncrypts, era }),
    validate: (v) => (v.length > 0 ? true : 'Choose at least one function (space toggles), or press Ctrl-C to stop.'),
  });
  const functions: Partial<Record<KsFunction, string>> = {};
  for (const f of chosen) {
    const fit = keystores.filter((k) => !KEY_FUNCTIONS.includes(f) || k.alias);
    if (fit.length === 1) functions[f] = fit[0].name;
    else {
      functions[f] = await ctx.prompt.select({
        message: `Which keystore for ${f} (${explainFunction(f, era)})?`,
        choices: fit.map((k) => ({ name: `${k.path}${k.alias ? ` (alias ${k.alias})` : ''}`, value: k.name })),
        default: fit[0].name,
      });
    }
  }
  for (const k of keystores) {
    const fs = chosen.filter((f) => functions[f] === k.name);
    if (fs.length) tell(`  ${k.path} will serve: ${fs.join(', ')}`);
  }
  return functions;
}

function targetsOf(a: Answers): Targets {
  const t: Targets = {};
  for (const [f, name] of Object.entries(a.functions) as Array<[KsFunction, string]>) {
    const k = a.keystores.find((x) => x.name === name)!;
    // k.path is planPath(home, absPath): relative when inside the home, else absPath itself.
    t[f] = { name, absPath: k.absPath, homeRelPath: k.path === k.absPath ? null : k.path, type: k.type, password: k.password, alias: k.alias, keyPassword: k.keyPassword ?? k.password };
  }
  return t;
}

async function reportVerify(ctx: WizardContext, layout: HomeLayout, now: Date): Promise<void> {
  const tell = say(ctx);
  try {
    const lines = await verifyHome(layout, now);
    const bad = lines.filter((l) => !l.ok);
    // A password in Secure Vault (or from the environment) cannot be tried: not counted as opened.
    const unchecked = lines.filter((l) => l.ok && /; not checked$/.test(l.message));
    const notChecked = unchecked.length ? `; ${unchecked.length} not checked, their passwords being in Secure Vault or the environment (${unchecked.map((l) => l.function).join(', ')})` : '';
    tell(`Verify: ${lines.length - bad.length - unchecked.length} of ${lines.length} keystore settings open with the passwords and aliases the files now hold${notChecked}.`);
    for (const l of bad) tell(`  FAIL  ${l.function} ${where(l)} ${l.owner}: ${l.message}`);
    const warned = new Set<string>();
    for (const l of lines) for (const w of l.warnings) if (!warned.has(w)) (warned.add(w), tell(`  warning: ${l.function}: ${w}`));
  } catch (e) {
    tell(`Verify could not run: ${(e as Error).message}`);
  }
}

const ENV_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Step 8: save the answers as a plan file, passwords as {"env": …} references only. */
async function offerPlan(ctx: WizardContext, answers: Answers, layout: HomeLayout, opts: SetupOptions, importCert: boolean): Promise<void> {
  const tell = say(ctx);
  let file = opts.savePlan;
  if (!file) {
    tell('');
    const save = await ctx.prompt.confirm({ message: 'Save these answers as a plan file for the other nodes of a cluster?', default: false });
    if (!save) return;
    file = await ctx.prompt.input({ message: 'Plan file:', default: 'wso2-keystore-plan.json', validate: (v) => (v.trim() ? true : 'Give a file name.') });
  }
  const abs = resolve(ctx.io.cwd, file.trim());
  const env = proposeEnvNames(answers);
  tell('Passwords are not written into the plan; each is read from an environment variable on the node:');
  for (const [name, e] of env) tell(`  ${name}: ${e.password}${e.keyPassword ? `, key password ${e.keyPassword}` : ''}`);
  const keep = await ctx.prompt.confirm({ message: 'Use these variable names?', default: true });
  if (!keep) {
    for (const [name, e] of env) {
      e.password = (await ctx.prompt.input({ message: `Variable for the store password of ${name}:`, default: e.password, validate: (v) => (ENV_RE.test(v) ? true : 'Letters, digits and _ only, not starting with a digit.') })).trim();
      if (e.keyPassword) {
        e.keyPassword = (await ctx.prompt.input({ message: `Variable for the key password of ${name}:`, default: e.keyPassword, validate: (v) => (ENV_RE.test(v) ? true : 'Letters, digits and _ only, not starting with a digit.') })).trim();
      }
    }
  }
  if (existsSync(abs) && !(await ctx.prompt.confirm({ message: `${abs} exists. Overwrite it?`, default: false }))) {
    tell('Plan not saved.');
    return;
  }
  writeFileSync(abs, planJson(savedPlan(answers, env)), { mode: 0o644 });
  tell(`Saved the plan: ${abs}`);
  tell('On each node, copy the keystore to the same path, then:');
  const vars = [...env.values()].flatMap((e) => [e.password, ...(e.keyPassword ? [e.keyPassword] : [])]);
  for (const v of vars) tell(`  read -rs ${v} && export ${v}`);
  tell(`  wso2-keystore apply --plan ${shellQuote(abs)} ${shellQuote(layout.home)} --yes${importCert ? ' --import-cert' : ''}`);
  tell('See docs/cluster.md for an Ansible playbook and an ssh loop.');
}

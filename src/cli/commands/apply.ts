/**
 * `apply --plan FILE [HOME]`: plan → checks → change set → dry-run view, or backup + atomic writes.
 * Nothing is written before every keystore has opened, every check has passed and every edit has
 * parsed back.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { KsError, isKsError } from '../../errors';
import { collectAlsoUpdate } from '../../changes/also-update';
import { httpsTransportsFollowTls } from '../../changes/common';
import { planChanges } from '../../changes/plan-changes';
import type { ChangeSet } from '../../changes/types';
import { readCarbonXml } from '../../edit/carbon';
import { normalizeConfigPath } from '../../edit/paths';
import { detectHome, type HomeLayout } from '../../home/layout';
import { readHomeFiles } from '../../home/read-files';
import { currentSettings, where } from '../../home/settings';
import { TRUSTED_KEY_FUNCTIONS, checkPlanKeystores, checkTrustOfKeysInService, type KeyInService, type TruststoreRef } from '../../plan/check-keystores';
import type { Keystore } from '../../keystore/types';
import { parsePlan, planSecrets, type Plan } from '../../plan/plan';
import { resolveKeystores, targetsOf, type ResolvedKeystore } from '../../plan/targets';
import { jsonFiles, renderDiff, renderSummary } from '../../preview/diff';
import { decodedText } from '../../changes/decoded';
import { parseXml } from '../../xml/document';
import { applyTransaction, checkTargets, type TransactionOptions } from '../../io';
import { homeRelative } from '../../io/paths';
import { confirmOrRefuse } from '../confirm';
import type { CliIo } from '../io';
import { Out, undoCommand, sayOnSignal } from '../output';
import { recoverFirst } from './recover';

export interface ApplyOptions {
  plan: string;
  home?: string;
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
  importCert?: boolean;
}

function readKeystoreFile(absPath: string, name: string): Buffer {
  let st;
  try {
    st = statSync(absPath);
  } catch {
    throw new KsError('KEYSTORE_INVALID', `keystores.${name}: ${absPath} does not exist`, { hint: 'Copy the keystore into place first (usually repository/resources/security/).' });
  }
  if (!st.isFile()) throw new KsError('KEYSTORE_INVALID', `keystores.${name}: ${absPath} is not a file`);
  return readFileSync(absPath);
}

/**
 * Keystore bytes read once per change set: the plan's keystores are read to resolve their type, then
 * opened by the checks, and the truststore is usually one of them. Every check sees the same bytes.
 */
function keystoreReader(): { resolve: (absPath: string, name: string) => Buffer; read: (absPath: string) => Buffer } {
  const bytes = new Map<string, Buffer>();
  const once = (absPath: string, read: () => Buffer) => {
    let b = bytes.get(absPath);
    if (!b) bytes.set(absPath, (b = read()));
    return b;
  };
  return {
    resolve: (absPath, name) => once(absPath, () => readKeystoreFile(absPath, name)),
    read: (absPath) => once(absPath, () => readFileSync(absPath)),
  };
}

/** The truststore the home will use after the plan: the plan's, or the one carbon.xml names now. */
function truststoreRef(layout: HomeLayout, files: Map<string, Buffer>, plan: Plan, resolved: Map<string, ResolvedKeystore>): TruststoreRef | null {
  const name = plan.functions.truststore;
  if (name) {
    const r = resolved.get(name)!;
    return { path: r.homeRelPath ?? r.absPath, absPath: r.absPath, password: r.password, type: r.type, source: `keystores.${name}` };
  }
  const rel = layout.files.carbon;
  if (!rel || !files.get(rel)) return null;
  try {
    const cur = readCarbonXml(parseXml(decodedText(files.get(rel)!, rel).text, rel)).truststore;
    if (!cur?.location) return null;
    const p = normalizeConfigPath(cur.location);
    const absPath = resolve(layout.home, p);
    return {
      path: homeRelative(layout.home, absPath) ?? absPath,
      absPath,
      password: cur.secretAlias ? undefined : cur.password,
      type: cur.type === 'PKCS12' || cur.type === 'JKS' ? cur.type : undefined,
      source: `${rel} Security/TrustStore`,
    };
  } catch {
    return null;
  }
}

/** Build the change set for a plan (also used by the wizard). */
export async function buildChangeSet(
  layout: HomeLayout,
  plan: Plan,
  env: NodeJS.ProcessEnv,
  opts: { importCert?: boolean } = {},
): Promise<ChangeSet> {
  const keystores = keystoreReader();
  const resolved = resolveKeystores(plan, layout.home, env, keystores.resolve);
  const files = await readHomeFiles(layout);
  const trust = truststoreRef(layout, files, plan, resolved);
  const check = checkPlanKeystores(plan, resolved, keystores.read, {
    truststore: trust,
    importCert: opts.importCert,
    home: layout.home,
    axis2FollowsTls: httpsTransportsFollowTls(layout, files),
  });
  // Other references to the keystores being replaced: moved with alsoUpdate "sameFile", otherwise listed.
  const targets = targetsOf(plan, resolved);
  const extra = await collectAlsoUpdate(layout, plan.alsoUpdate ?? 'none', { targets, files });
  const cs = planChanges({
    layout,
    files: new Map([...extra.files, ...files]),
    targets,
    confirmInternalKeystoreChange: plan.confirmInternalKeystoreChange,
    alsoUpdate: extra.options,
    readVault: check.readVault,
  });
  if (check.truststoreChange) cs.files.push(check.truststoreChange);
  cs.warnings.unshift(...check.warnings);
  if (plan.functions.truststore) {
    // The truststore as the plan check opened it, unless --import-cert changed its bytes since.
    const opened = check.truststoreChange ? undefined : check.trustStore;
    cs.warnings.push(...trustOfKeysInService(layout, files, cs, trust!, keystores.read, check.trustChecked, opened));
  }
  return cs;
}

/**
 * For a plan that puts a new truststore in place: the keys the configs serve with once the change
 * set is applied (read from the edited texts, so a toml table that follows [keystore.primary] follows
 * the new one), checked against that truststore as it will be (with --import-cert's additions).
 * The plan's own keys are checked by checkPlanKeystores (`checked`); a setting that keeps another
 * key of one of its files is not.
 */
function trustOfKeysInService(layout: HomeLayout, files: Map<string, Buffer>, cs: ChangeSet, trust: TruststoreRef, read: (absPath: string) => Buffer, checked: ReadonlySet<string>, store?: Keystore): string[] {
  const after = new Map(files);
  for (const f of cs.files) if (after.has(f.path)) after.set(f.path, f.after);
  const keys: KeyInService[] = [];
  for (const s of currentSettings(layout, after)) {
    if (s.function === 'other' || !TRUSTED_KEY_FUNCTIONS.includes(s.function) || !s.location || s.password === undefined || s.secretAlias) continue;
    const absPath = resolve(layout.home, normalizeConfigPath(s.location));
    const location = homeRelative(layout.home, absPath) ?? absPath;
    const type = s.type === 'JKS' || s.type === 'PKCS12' ? s.type : undefined;
    keys.push({ function: s.function, location, absPath, password: s.password, type, alias: s.alias, source: where(s) });
  }
  if (!keys.length || !trust.password) return [];
  const trusted = cs.files.find((f) => f.binary && f.path === trust.path)?.after ?? read(trust.absPath);
  return checkTrustOfKeysInService(keys, { path: trust.path, bytes: trusted, password: trust.password, type: trust.type, store }, read, checked);
}

/** The files of a change set that writeChangeSet writes. */
const changedFiles = (cs: ChangeSet) => cs.files.filter((f) => !f.before.equals(f.after));

/**
 * Refuses what writeChangeSet would refuse when it resolves its files (a config file that is a
 * symlink out of HOME), before a diff is shown: a dry run or the wizard's preview must not promise
 * a change the apply cannot make (also used by the wizard).
 */
export async function checkChangeSetTargets(home: string, cs: ChangeSet): Promise<void> {
  await checkTargets(home, changedFiles(cs).map((f) => f.path));
}

/** Back up and write the changed files of a change set in one transaction (also used by the wizard). */
export async function writeChangeSet(home: string, cs: ChangeSet, command: string, onSignalExit?: TransactionOptions['onSignalExit']): Promise<{ id: string }> {
  const changed = changedFiles(cs);
  const notes = cs.files.flatMap((f) => [
    ...f.changes.map((c) => `${f.path}${c.line ? `:${c.line}` : ''} ${c.function} ${c.setting}${c.secret ? ' (password changed)' : ` → ${c.to}`}`),
    ...f.notes,
  ]);
  return applyTransaction(
    home,
    changed.map((f) => ({ path: f.path, before: f.created ? null : f.before, after: f.after })),
    { command, notes },
    { onSignalExit },
  );
}

const PLAN_READ_ERRORS: Record<string, string> = { ENOENT: 'there is no such file', EACCES: 'permission denied', EISDIR: 'it is a folder', ENOTDIR: 'a part of the path is not a folder' };

/** The plan in a file; its errors name the file (`given`, as the user wrote it). */
function readPlanFile(abs: string, given: string): Plan {
  let text: string;
  try {
    text = readFileSync(abs, 'utf8'); // one small file: no thread-pool round trips
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new KsError('PLAN_INVALID', `cannot read the plan file: ${PLAN_READ_ERRORS[code] ?? (code || (e as Error).message)}`, {
      file: given,
      hint: code === 'ENOENT' ? 'Give the path of a plan file (wso2-keystore setup --save-plan writes one; docs/plan-file.md describes it).' : undefined,
    });
  }
  try {
    return parsePlan(text);
  } catch (e) {
    if (isKsError(e) && !e.file) throw new KsError(e.code, e.message, { file: given, line: e.line, hint: e.hint });
    throw e;
  }
}

export async function applyCommand(opts: ApplyOptions, io: CliIo): Promise<number> {
  const out = new Out(io);
  try {
    const home = resolve(io.cwd, opts.home ?? '.');
    const layout = detectHome(home);
    const plan = readPlanFile(resolve(io.cwd, opts.plan), opts.plan);
    out.addSecrets(planSecrets(plan, io.env));
    const recovered = await recoverFirst(layout.home, out, { dryRun: opts.dryRun, json: opts.json });

    const cs = await buildChangeSet(layout, plan, io.env, { importCert: opts.importCert });
    const changed = changedFiles(cs);
    await checkChangeSetTargets(layout.home, cs);
    const view = { color: io.color && !opts.json };

    // The one JSON object of every outcome (dry run, nothing to do, applied, applied then interrupted).
    const report = (backup: string | null, dryRun = false) => ({ changed: changed.length > 0, backup, dryRun, files: jsonFiles(cs), warnings: cs.warnings, staysBehind: cs.staysBehind ?? [], notApplicable: cs.notApplicable ?? [], recovered });

    if (opts.dryRun || changed.length === 0) {
      if (opts.json) out.json(report(null, Boolean(opts.dryRun)));
      else {
        if (opts.dryRun) out.out(renderDiff(cs, view));
        out.out(renderSummary(cs, view));
        if (opts.dryRun && changed.length) out.out('Dry run: nothing was written.\n');
      }
      return 0;
    }

    if (!opts.json) out.out(renderDiff(cs, view) + renderSummary(cs, view));
    const ok = await confirmOrRefuse(io, `Apply these changes to ${changed.length} file(s)?`, { yes: opts.yes, what: 'apply' });
    if (!ok) {
      out.err('Nothing was written.\n');
      return 1;
    }
    const { id } = await writeChangeSet(layout.home, cs, `apply --plan ${opts.plan}`, sayOnSignal(out, Boolean(opts.json), layout.home, report));
    if (opts.json) out.json(report(id));
    else {
      out.out(`\nApplied. Backup: ${id}\n`);
      out.out(`To undo:  ${undoCommand(layout.home, id)}\n`);
      out.out('Restart the server for the change to take effect.\n');
    }
    return 0;
  } catch (e) {
    return out.fail(e, opts.json);
  }
}


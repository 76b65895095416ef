/**
 * The wizard's answers as a Plan: in memory with the passwords typed (what the core runs on), and
 * as a file for other nodes with every password replaced by an {"env": NAME} reference. The file
 * form never holds a password; `savedPlan` has no access path that could put one in.
 */
import type { KsFunction } from '../changes/types';
import type { Plan, PlanKeystore } from '../plan/plan';
import type { WizardKeystore } from './keystore-step';

export interface Answers {
  keystores: WizardKeystore[];
  functions: Partial<Record<KsFunction, string>>;
  confirmInternalKeystoreChange?: boolean;
  /** Move the other references to a replaced keystore file too (plan "alsoUpdate"). */
  alsoUpdate?: 'sameFile';
}

/** The plan the core runs on now: passwords in clear, in memory only. */
export function livePlan(a: Answers): Plan {
  return build(a, (k) => ({ password: k.password, keyPassword: k.keyPassword }));
}

/** Environment variable names the wizard proposes: WSO2KS_<NAME>_PASS and WSO2KS_<NAME>_KEY_PASS. */
export function proposeEnvNames(a: Answers): Map<string, { password: string; keyPassword?: string }> {
  const m = new Map<string, { password: string; keyPassword?: string }>();
  const used = new Set<string>();
  for (const k of used_(a)) {
    let stem = `WSO2KS_${k.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`;
    for (let i = 2; used.has(stem); i++) stem = `${stem}_${i}`;
    used.add(stem);
    m.set(k.name, { password: `${stem}_PASS`, keyPassword: k.keyPassword !== undefined ? `${stem}_KEY_PASS` : undefined });
  }
  return m;
}

/** The plan file for other nodes: every password is an {"env": …} reference. */
export function savedPlan(a: Answers, env: Map<string, { password: string; keyPassword?: string }>): Plan {
  return build(a, (k) => {
    const e = env.get(k.name)!;
    return { password: { env: e.password }, keyPassword: k.keyPassword !== undefined ? { env: e.keyPassword! } : undefined };
  });
}

/** Only the keystores some function uses. */
function used_(a: Answers): WizardKeystore[] {
  const names = new Set(Object.values(a.functions));
  return a.keystores.filter((k) => names.has(k.name));
}

function build(a: Answers, secrets: (k: WizardKeystore) => Pick<PlanKeystore, 'password' | 'keyPassword'>): Plan {
  const keystores: Record<string, PlanKeystore> = {};
  for (const k of used_(a)) {
    const s = secrets(k);
    const entry: PlanKeystore = { path: k.path, type: k.type, password: s.password };
    if (k.alias) entry.alias = k.alias;
    if (s.keyPassword !== undefined) entry.keyPassword = s.keyPassword;
    if (k.allowExpired) entry.allowExpired = true;
    keystores[k.name] = entry;
  }
  const plan: Plan = { version: 1, keystores, functions: { ...a.functions } };
  if (a.confirmInternalKeystoreChange) plan.confirmInternalKeystoreChange = true;
  if (a.alsoUpdate) plan.alsoUpdate = a.alsoUpdate;
  return plan;
}

/** The plan file's text: stable key order, two-space indent, a final newline. */
export function planJson(plan: Plan): string {
  const out: Record<string, unknown> = { version: plan.version, keystores: plan.keystores, functions: plan.functions };
  if (plan.confirmInternalKeystoreChange) out.confirmInternalKeystoreChange = true;
  if (plan.alsoUpdate === 'sameFile') out.alsoUpdate = 'sameFile';
  return `${JSON.stringify(out, null, 2)}\n`;
}

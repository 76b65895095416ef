/**
 * A scripted Prompter for flow tests: the seam the wizard asks through, with the answers given in
 * order. Each step names the kind of prompt and a pattern its message must match, so a test fails
 * when the flow asks something else. Validated inputs try every scripted value in turn, as a person
 * retyping would, and record the reasons shown.
 */
import type { CliIo } from '../../src/cli/io';
import { Out } from '../../src/cli/output';
import type { Choice, Prompter } from '../../src/wizard/prompter';
import { interrupted } from '../../src/wizard/prompter';
import { memoryIo } from '../helpers/io';

export type Step =
  | { input: RegExp; answer: string | string[] }
  | { password: RegExp; answer: string | string[] }
  | { select: RegExp; answer: unknown }
  | { checkbox: RegExp; answer: unknown[] | 'defaults' }
  | { confirm: RegExp; answer: boolean | 'default' }
  | { ctrlC: RegExp };

export interface Asked {
  kind: string;
  message: string;
  choices?: Array<Choice<unknown>>;
  rejections: string[];
}

export function scriptedPrompter(steps: Step[]): { prompt: Prompter; asked: Asked[]; left: () => number } {
  const queue = [...steps];
  const asked: Asked[] = [];
  const next = (kind: string, message: string, choices?: Array<Choice<unknown>>): { step: Step; rec: Asked } => {
    const rec: Asked = { kind, message, choices, rejections: [] };
    asked.push(rec);
    const step = queue.shift();
    if (!step) throw new Error(`unscripted ${kind} prompt: ${message}`);
    if ('ctrlC' in step) {
      if (!step.ctrlC.test(message)) throw new Error(`expected Ctrl-C at ${step.ctrlC}, got ${kind} "${message}"`);
      throw interrupted();
    }
    const pattern = (step as Record<string, unknown>)[kind] as RegExp | undefined;
    if (!pattern) throw new Error(`expected ${Object.keys(step).find((k) => k !== 'answer')} prompt, got ${kind} "${message}"`);
    if (!pattern.test(message)) throw new Error(`expected ${kind} matching ${pattern}, got "${message}"`);
    return { step, rec };
  };
  const typed = async (kind: string, o: { message: string; default?: string; validate?: (v: string) => true | string | Promise<true | string> }) => {
    const { step, rec } = next(kind, o.message);
    const tries = ([] as string[]).concat((step as { answer: string | string[] }).answer).map((v) => (v === '' && o.default !== undefined ? o.default : v));
    for (const v of tries) {
      const ok = o.validate ? await o.validate(v) : true;
      if (ok === true) return v;
      rec.rejections.push(ok);
    }
    throw new Error(`no scripted answer to "${o.message}" was accepted: ${rec.rejections.join(' | ')}`);
  };
  const prompt: Prompter = {
    input: (o) => typed('input', o),
    password: (o) => typed('password', o),
    async select(o) {
      const { step } = next('select', o.message, o.choices as Array<Choice<unknown>>);
      const v = (step as { answer: unknown }).answer;
      const value = v === 'default' ? (o.default ?? o.choices[0].value) : v;
      if (!o.choices.some((c) => c.value === value && !c.disabled)) throw new Error(`"${String(value)}" is not a choice of "${o.message}"`);
      return value as never;
    },
    async checkbox(o) {
      const { step, rec } = next('checkbox', o.message, o.choices as Array<Choice<unknown>>);
      const a = (step as { answer: unknown[] | 'defaults' }).answer;
      const values = a === 'defaults' ? o.choices.filter((c) => c.checked && !c.disabled).map((c) => c.value) : a;
      for (const v of values) if (!o.choices.some((c) => c.value === v && !c.disabled)) throw new Error(`"${String(v)}" is not an enabled choice of "${o.message}"`);
      const ok = o.validate ? o.validate(values as never) : true;
      if (ok !== true) {
        rec.rejections.push(ok);
        throw new Error(`checkbox answer rejected: ${ok}`);
      }
      return values as never;
    },
    async confirm(o) {
      const { step } = next('confirm', o.message);
      const a = (step as { answer: boolean | 'default' }).answer;
      return a === 'default' ? o.default : a;
    },
  };
  return { prompt, asked, left: () => queue.length };
}

export function fakeIo(cwd: string, env: NodeJS.ProcessEnv = {}): { io: CliIo; out: Out; stdout: () => string; stderr: () => string } {
  const m = memoryIo(cwd, env, { tty: true, stdin: Object.assign(process.stdin, {}) as CliIo['stdin'] });
  return { ...m, out: new Out(m.io) };
}

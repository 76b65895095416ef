/** `scan [HOME]`: every keystore reference in the config tree and the function it serves. */
import { resolve } from 'node:path';
import { detectHome, managedFiles } from '../../home/layout';
import { scanHome } from '../../scan/scan';
import type { CliIo } from '../io';
import { Out } from '../output';
import { recoverFirst } from './recover';

export async function scanCommand(opts: { home?: string; json?: boolean }, io: CliIo): Promise<number> {
  const out = new Out(io);
  try {
    const layout = detectHome(resolve(io.cwd, opts.home ?? '.'));
    const recovered = await recoverFirst(layout.home, out, { json: opts.json });
    const warnings: string[] = [];
    const managed = new Set(managedFiles(layout));
    const refs = await scanHome(layout, {
      onUnreadable: (rel, why) =>
        warnings.push(
          `${(why.startsWith(rel) ? why : `${rel}: ${why}`).replace(/\.$/, '')}; its references are listed by line only, without their setting or function` +
            (managed.has(rel) ? ', and apply and verify refuse the file until it is fixed' : ''),
        ),
    });
    if (opts.json) {
      out.json({ home: layout.home, layout: layout.description, references: refs, warnings, recovered });
      return 0;
    }
    for (const w of warnings) out.err(`warning: ${w}\n`);
    out.out(`${layout.home}: ${layout.description}\n`);
    if (refs.length === 0) out.out('No keystore references found.\n');
    let last = '';
    for (const r of refs) {
      if (r.path !== last) out.out(`\n${r.path}\n`);
      last = r.path;
      out.out(`  ${String(r.line).padStart(5)}  ${r.function.padEnd(10)}  ${r.setting}: ${r.value}\n`);
    }
    const other = refs.filter((r) => r.function === 'other').length;
    out.out(`\n${refs.length} reference(s)${other ? `; ${other} marked "other" are not changed by this tool` : ''}.\n`);
    return 0;
  } catch (e) {
    return out.fail(e, opts.json);
  }
}

/** Read every config file a layout names, once, for the planner. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KsError } from '../errors';
import type { HomeLayout } from './layout';

/**
 * The largest config file we read. Real WSO2 config files are under 200 KB; a file of hundreds of MB
 * is not one, and reading, parsing and backing it up would take seconds and gigabytes of memory.
 */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export async function readHomeFiles(layout: HomeLayout): Promise<Map<string, Buffer>> {
  const f = layout.files;
  const rels = [f.carbon, f.catalina, f.secPolicy, f.deploymentToml, f.cipherText, f.cipherTool, ...f.axis2].filter((x): x is string => Boolean(x));
  const out = new Map<string, Buffer>();
  await Promise.all(
    rels.map(async (rel) => {
      const size = await stat(join(layout.home, rel)).then((s) => s.size, () => 0);
      if (size > MAX_CONFIG_BYTES) {
        throw new KsError('FILE_TOO_LARGE', `is ${(size / 1024 / 1024).toFixed(0)} MB, more than the ${MAX_CONFIG_BYTES / 1024 / 1024} MB this tool reads in a config file`, {
          file: rel,
          hint: 'WSO2 config files are well under 1 MB: check that this is the right file (not a log or a dump pasted into it).',
        });
      }
      try {
        out.set(rel, await readFile(join(layout.home, rel)));
      } catch (e) {
        throw new KsError('FILE_UNREADABLE', `cannot read ${rel}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: rel, cause: e });
      }
    }),
  );
  return out;
}

/** Read every config file a layout names, once, for the planner. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KsError } from '../errors';
import type { HomeLayout } from './layout';

export async function readHomeFiles(layout: HomeLayout): Promise<Map<string, Buffer>> {
  const f = layout.files;
  const rels = [f.carbon, f.catalina, f.secPolicy, f.deploymentToml, f.cipherText, f.cipherTool, ...f.axis2].filter((x): x is string => Boolean(x));
  const out = new Map<string, Buffer>();
  await Promise.all(
    rels.map(async (rel) => {
      try {
        out.set(rel, await readFile(join(layout.home, rel)));
      } catch (e) {
        throw new KsError('FILE_UNREADABLE', `cannot read ${rel}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: rel, cause: e });
      }
    }),
  );
  return out;
}

/**
 * XML blocks inserted where a file lacks them (carbon.xml before kernel 4.4.35 has no InternalKeyStore
 * or CryptoService). The blocks live in `templates/` so an admin can read exactly what will be added.
 * Rendering re-indents every line to the place it goes and uses the file's own line ending.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const TEMPLATE_DIR = join(__dirname, '..', '..', 'templates');
const cache = new Map<string, string>();

export function loadTemplate(name: string): string {
  let t = cache.get(name);
  if (t === undefined) {
    t = readFileSync(join(TEMPLATE_DIR, name), 'utf8').replace(/\r\n/g, '\n').replace(/\n+$/, '');
    cache.set(name, t);
  }
  return t;
}

/** Fill `{{name}}` slots with already-escaped values, indent every line, join with `eol`. */
export function renderTemplate(template: string, values: Record<string, string>, indent: string, eol: string): string {
  const filled = template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    if (!(k in values)) throw new Error(`template slot {{${k}}} has no value`);
    return values[k];
  });
  return filled
    .split('\n')
    .map((l) => (l.length ? indent + l : l))
    .join(eol);
}

/**
 * Test homes are copies of real WSO2 files in os.tmpdir(); nothing is ever written into ../shared.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { FileWrite, FsOps } from '../../src/io';
import { realFsOps } from '../../src/io';

export const FIXTURE_CONF = path.resolve(__dirname, '../../../shared/fixtures/wso2/carbon-kernel-4.4.26/repository/conf');

/** The three files a typical apply touches, with distinct modes so a mode mix-up shows. */
export const FILES: Array<{ rel: string; from: string; mode: number }> = [
  { rel: 'repository/conf/carbon.xml', from: 'carbon.xml', mode: 0o640 },
  { rel: 'repository/conf/tomcat/catalina-server.xml', from: 'tomcat/catalina-server.xml', mode: 0o600 },
  { rel: 'repository/conf/axis2/axis2.xml', from: 'axis2/axis2.xml', mode: 0o644 },
];

/** A password the "planner" writes into the files: it must never show up in a manifest. */
export const NEW_PASSWORD = 'N3w-Keyst0re-Pa55!';

export function makeHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'wso2ks-io-'));
  for (const f of FILES) {
    const dest = path.join(home, f.rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, fs.readFileSync(path.join(FIXTURE_CONF, f.from)));
    fs.chmodSync(dest, f.mode);
  }
  return home;
}

export const removeHome = (home: string) => fs.rmSync(home, { recursive: true, force: true });

export const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Planned writes: every `wso2carbon` password becomes NEW_PASSWORD (like a real plan would). */
export function plannedWrites(home: string): FileWrite[] {
  return FILES.map((f) => {
    const before = fs.readFileSync(path.join(home, f.rel));
    const after = Buffer.from(before.toString('utf8').split('wso2carbon').join(NEW_PASSWORD), 'utf8');
    return { path: f.rel, before, after };
  });
}

export interface FileState {
  sha: string;
  mode: number;
}

/** Every file under HOME except .wso2-keystore: path → sha256 and mode. Temp files would show up here. */
export function snapshot(home: string): Record<string, FileState> {
  const out: Record<string, FileState> = {};
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      const rel = path.relative(home, abs).split(path.sep).join('/');
      if (rel === '.wso2-keystore') continue;
      if (e.isDirectory()) walk(abs);
      else {
        const st = fs.lstatSync(abs);
        out[rel] = { sha: st.isSymbolicLink() ? `link:${fs.readlinkSync(abs)}` : sha(fs.readFileSync(abs)), mode: st.mode & 0o7777 };
      }
    }
  };
  walk(home);
  return out;
}

export const stateEntries = (home: string, sub = 'backups'): string[] => {
  try {
    return fs.readdirSync(path.join(home, '.wso2-keystore', sub)).sort();
  } catch {
    return [];
  }
};

export const lockExists = (home: string) => fs.existsSync(path.join(home, '.wso2-keystore', 'lock'));

export type CountedOp = 'writeFile' | 'fsync' | 'rename' | 'chmod' | 'mkdir' | 'unlink';

export function errno(code: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${code}: injected failure`);
  e.code = code;
  return e;
}

/** Real fs, except that the k-th call of `op` (1-based) fails with `code`. `calls` counts them all. */
export function failingFs(op: CountedOp, k: number, code = 'EIO'): FsOps & { calls: () => number; fired: () => boolean } {
  let n = 0;
  let fired = false;
  const wrapped = { ...realFsOps } as FsOps;
  const orig = realFsOps[op] as (...a: unknown[]) => Promise<void>;
  (wrapped as unknown as Record<string, unknown>)[op] = async (...args: unknown[]) => {
    n++;
    if (n === k) {
      fired = true;
      throw errno(code);
    }
    return orig(...args);
  };
  return Object.assign(wrapped, { calls: () => n, fired: () => fired });
}

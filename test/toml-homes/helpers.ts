/** Scratch copies of the toml-era fixture homes and targets for the planner, in memory. */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { planChanges, type Targets } from '../../src/changes/plan-changes';
import type { ChangeSet } from '../../src/changes/types';
import type { KeystoreTarget } from '../../src/edit/types';
import { detectHome, type HomeLayout } from '../../src/home/layout';

export const FIXTURES = join(__dirname, '../../../shared/fixtures/wso2');

/** A writable copy of a fixture home (never the fixture itself). */
export function copyFixture(name: string): string {
  const base = mkdtempSync(join(tmpdir(), `wso2-ks-toml-${name}-`));
  const home = join(base, name);
  cpSync(join(FIXTURES, name), home, { recursive: true });
  return home;
}

export function target(home: string, name: string, rel: string, o: Partial<KeystoreTarget> = {}): KeystoreTarget {
  const absPath = join(home, rel);
  const r = relative(home, absPath);
  return {
    name,
    absPath,
    homeRelPath: r.startsWith('..') ? null : r.split(sep).join('/'),
    type: 'JKS',
    password: `${name}-Pa55"\\w'rd`,
    keyPassword: `${name}-Pa55"\\w'rd`,
    alias: `${name}key`,
    ...o,
  };
}

export interface Planned {
  layout: HomeLayout;
  files: Map<string, Buffer>;
  cs: ChangeSet;
}

export function plan(layout: HomeLayout, files: Map<string, Buffer>, targets: Targets, confirm = false): ChangeSet {
  return planChanges({ layout, files, targets, confirmInternalKeystoreChange: confirm });
}

export function layoutOf(home: string): HomeLayout {
  return detectHome(home);
}

/** Targets for the planner on the toml-era fixture homes (copied with copyHome, test/helpers/home.ts), in memory. */
import { join, relative, sep } from 'node:path';
import { planChanges, type Targets } from '../../src/changes/plan-changes';
import type { ChangeSet } from '../../src/changes/types';
import type { KeystoreTarget } from '../../src/edit/types';
import type { HomeLayout } from '../../src/home/layout';

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

export function plan(layout: HomeLayout, files: Map<string, Buffer>, targets: Targets, confirm = false): ChangeSet {
  return planChanges({ layout, files, targets, confirmInternalKeystoreChange: confirm });
}

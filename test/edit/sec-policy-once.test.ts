/**
 * One sec.policy change parses the file once: changeSecPolicy (src/changes/common.ts) reads whether
 * it has a keystore entry and patches it from the same parse, and then parses only the edited text,
 * on purpose (finish's read-back). Measured on EI 6.2.0's sec.policy, the one fixture with a keystore
 * entry, through spies on the module's exports (the calls changeSecPolicy makes) and on lineIndex,
 * which every parsePolicy calls once on the whole text (the calls patchSecPolicy makes inside).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { changeSecPolicy } from '../../src/changes/common';
import * as secPolicy from '../../src/edit/sec-policy';
import type { KeystoreTarget } from '../../src/edit/types';
import { detectHome } from '../../src/home/layout';
import * as patcher from '../../src/text/patcher';
import { FIXTURES } from '../helpers/home';

const layout = detectHome(join(FIXTURES, 'ei-6.2.0'));
const rel = layout.files.secPolicy!;
const bytes = readFileSync(join(layout.home, rel));
const text = bytes.toString('utf8');

const target: KeystoreTarget = {
  name: 'newks',
  absPath: join(layout.home, 'repository/resources/security/new.p12'),
  homeRelPath: 'repository/resources/security/new.p12',
  type: 'PKCS12',
  password: 'pw',
  alias: 'newkey',
  keyPassword: 'pw',
  keyEntryCount: 1,
};

afterEach(() => jest.restoreAllMocks());

/** How many times lineIndex was asked for the lines of exactly `src` (once per parsePolicy of it). */
const linesOf = (spy: jest.SpyInstance, src: string) => spy.mock.calls.filter(([s]) => s === src).length;

test('patchSecPolicy given the parse does not parse again, and edits exactly as when it parses itself', () => {
  const lines = jest.spyOn(patcher, 'lineIndex');
  const own = secPolicy.patchSecPolicy(text, rel, target);
  expect(linesOf(lines, text)).toBe(1); // the probe sees a parse
  lines.mockClear();
  const model = secPolicy.parsePolicy(text, rel);
  lines.mockClear();
  const given = secPolicy.patchSecPolicy(text, rel, target, model);
  expect(linesOf(lines, text)).toBe(0);
  expect(given).toEqual(own);
  expect(given.edits.map((e) => e.setting)).toEqual(['keystore', 'keystore type', 'grant signedBy']);
});

test('changeSecPolicy parses the file once and the edited text once (the read-back)', () => {
  const parse = jest.spyOn(secPolicy, 'parsePolicy');
  const patch = jest.spyOn(secPolicy, 'patchSecPolicy');
  const readBack = jest.spyOn(secPolicy, 'readSecPolicy');
  const lines = jest.spyOn(patcher, 'lineIndex');
  const warnings: string[] = [];
  const change = changeSecPolicy(layout, new Map([[rel, bytes]]), target, warnings, () => 'no keystore entry')!;
  const after = change.after.toString('utf8');

  expect(parse).toHaveBeenCalledTimes(1);
  expect(parse).toHaveBeenCalledWith(text, rel);
  expect(patch).toHaveBeenCalledTimes(1);
  expect(patch.mock.calls[0][3]).toBe(parse.mock.results[0].value);
  expect(readBack).toHaveBeenCalledTimes(1);
  expect(readBack).toHaveBeenCalledWith(after, rel);
  // lineIndex(text): the one parse, and finish numbering the changed lines; none from inside patchSecPolicy.
  expect(linesOf(lines, text)).toBe(2);

  // The change itself, as before: the keystore entry and the grant, and nothing else.
  expect(after).toBe(
    text
      .replace('keystore "file:${user.dir}/repository/resources/security/wso2carbon.jks", "JKS";', 'keystore "file:${user.dir}/repository/resources/security/new.p12", "PKCS12";')
      .replace('grant signedBy "wso2carbon" {', 'grant signedBy "newkey" {'),
  );
  expect(change.changes.map((c) => [c.line, c.setting, c.from, c.to])).toEqual([
    [1, 'keystore', 'file:${user.dir}/repository/resources/security/wso2carbon.jks', 'file:${user.dir}/repository/resources/security/new.p12'],
    [1, 'keystore type', 'JKS', 'PKCS12'],
    [48, 'grant signedBy', 'wso2carbon', 'newkey'],
  ]);
  // Re-pointing the grants means jars must be signed with the new key: said once, plainly.
  expect(warnings).toEqual([
    'conf/sec.policy: its grants now trust code signed by "newkey". With the Java Security Manager on (-Djava.security.manager in the start script), jars signed with the old key lose those permissions: sign them again with the new key (jarsigner) before restarting.',
  ]);
});

test('a sec.policy without a keystore entry is parsed once and not patched', () => {
  const parse = jest.spyOn(secPolicy, 'parsePolicy');
  const patch = jest.spyOn(secPolicy, 'patchSecPolicy');
  const noEntry = Buffer.from(text.replace(/^keystore .*;\n/m, ''));
  const warnings: string[] = [];
  expect(changeSecPolicy(layout, new Map([[rel, noEntry]]), target, warnings, (r) => `${r}: no keystore entry`)).toBeUndefined();
  expect(parse).toHaveBeenCalledTimes(1);
  expect(patch).not.toHaveBeenCalled();
  expect(warnings).toEqual([`${rel}: no keystore entry`]);
});

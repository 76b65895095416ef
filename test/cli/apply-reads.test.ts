/**
 * What `apply` reads, and how often: each keystore file once (resolving its type, opening it,
 * checking the truststore), and each file the "still pointing" listing looks at once (the scan's
 * bytes are kept, not read again). The bytes the planner gets are the bytes on disk.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { collectAlsoUpdate } from '../../src/changes/also-update';
import { buildChangeSet } from '../../src/cli/commands/apply';
import { detectHome } from '../../src/home/layout';
import { readHomeFiles } from '../../src/home/read-files';
import { parsePlan } from '../../src/plan/plan';
import { copyHome, ensureBuilt, runCli } from '../helpers/home';
import { describeWithKeytool, exportCert, genKeyPair, importTrusted, tmpDir } from '../helpers/keytool';

// The module objects themselves (src/ calls through them), so that the spies see every open.
/* eslint-disable @typescript-eslint/no-require-imports */
const fs = require('node:fs') as typeof import('node:fs');
const fsp = require('node:fs/promises') as typeof import('node:fs/promises');
/* eslint-enable @typescript-eslint/no-require-imports */

/** Home-relative path → how many times it was opened or read whole, while `fn` runs. */
async function opens(home: string, fn: () => Promise<unknown>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const note = (p: unknown) => {
    if (typeof p !== 'string' || !p.startsWith(home)) return;
    const rel = relative(home, p);
    counts.set(rel, (counts.get(rel) ?? 0) + 1);
  };
  type Fn = (...a: unknown[]) => unknown;
  const track = (obj: object, name: string) => {
    const target = obj as Record<string, Fn>;
    const orig = target[name];
    return jest.spyOn(target, name).mockImplementation(function (this: unknown, ...a: unknown[]) {
      note(a[0]);
      return orig.apply(this, a);
    });
  };
  // fs.readFileSync(path) opens through fs.openSync, so it is counted there.
  const spies = [track(fs, 'openSync'), track(fsp, 'readFile'), track(fsp, 'open')];

  try {
    await fn();
  } finally {
    for (const s of spies) s.mockRestore();
  }
  return counts;
}

describeWithKeytool('apply reads each keystore and each listed file once (ei-6.2.0, six functions)', () => {
  const ENV = { NEWKS_PASS: 'reads-store-pass', TRUST_PASS: 'reads-trust-pass' };
  const plan = parsePlan(
    JSON.stringify({
      version: 1,
      keystores: {
        newks: { path: 'repository/resources/security/newks.jks', type: 'JKS', password: { env: 'NEWKS_PASS' }, alias: 'newkey' },
        trust: { path: 'repository/resources/security/trust.p12', password: { env: 'TRUST_PASS' } },
      },
      functions: { primary: 'newks', internal: 'newks', tls: 'newks', axis2: 'newks', secPolicy: 'newks', truststore: 'trust' },
      confirmInternalKeystoreChange: true,
    }),
  );
  let home: string;
  beforeAll(() => {
    home = copyHome('ei-6.2.0');
    const sec = join(home, 'repository/resources/security');
    genKeyPair({ file: join(sec, 'newks.jks'), storeType: 'JKS', storePass: ENV.NEWKS_PASS, alias: 'newkey' });
    const cert = join(tmpDir('reads'), 'newkey.der');
    writeFileSync(cert, exportCert(join(sec, 'newks.jks'), ENV.NEWKS_PASS, 'newkey'));
    importTrusted(join(sec, 'trust.p12'), 'PKCS12', ENV.TRUST_PASS, 'newkey', cert);
  });

  it('opens newks.jks and trust.p12 once each, and each file of the listing once', async () => {
    const layout = detectHome(home);
    let warnings: string[] = [];
    const counts = await opens(home, async () => {
      warnings = (await buildChangeSet(layout, plan, { ...process.env, ...ENV })).warnings;
    });
    expect(counts.get('repository/resources/security/newks.jks')).toBe(1);
    expect(counts.get('repository/resources/security/trust.p12')).toBe(1); // a plan keystore and the truststore
    const listed = warnings.find((w) => w.startsWith('still pointing'))!;
    expect(listed).toContain('wso2/broker/conf/carbon.xml');
    for (const rel of ['wso2/broker/conf/carbon.xml', 'wso2/analytics/conf/tomcat/catalina-server.xml', 'conf/cipher-standalone-config.properties']) {
      expect([rel, counts.get(rel)]).toEqual([rel, 1]);
    }
    // The managed files: read for the planner, and not again by the scan, which skips them unread.
    for (const rel of ['conf/carbon.xml', 'conf/axis2/axis2.xml']) expect([rel, counts.get(rel)]).toEqual([rel, 1]);
  });

  it('hands the planner the bytes on disk, from the scan and from the managed files', async () => {
    const layout = detectHome(home);
    const files = await readHomeFiles(layout);
    for (const [rel, bytes] of files) expect([rel, bytes.equals(readFileSync(join(home, rel)))]).toEqual([rel, true]);
    const extra = await collectAlsoUpdate(layout, 'none');
    expect(extra.files.size).toBeGreaterThan(5);
    expect(new Set(extra.options.references.map((r) => r.path))).toEqual(new Set(extra.files.keys()));
    for (const [rel, bytes] of extra.files) expect([rel, bytes.equals(readFileSync(join(home, rel)))]).toEqual([rel, true]);
  });
});

describe('the plan file', () => {
  beforeAll(() => ensureBuilt());

  it('that cannot be read is PLAN_INVALID with the reason', () => {
    const home = copyHome('ei-6.2.0');
    const missing = runCli(['apply', '--plan', join(home, 'no-such-plan.json'), home, '--dry-run', '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error).toMatchObject({
      code: 'PLAN_INVALID',
      message: 'cannot read the plan file: there is no such file',
      file: join(home, 'no-such-plan.json'),
      hint: expect.stringContaining('setup --save-plan'),
    });
    const dir = runCli(['apply', '--plan', home, home, '--dry-run', '--json']);
    expect(JSON.parse(dir.stdout).error).toMatchObject({ code: 'PLAN_INVALID', message: 'cannot read the plan file: it is a folder', file: home });
  });

  it('that is not a valid plan is named in the error, as the user gave it', () => {
    const home = copyHome('ei-6.2.0');
    writeFileSync(join(home, 'bad-plan.json'), '{"version": 1,\n"keystores" {}}');
    const bad = runCli(['apply', '--plan', 'bad-plan.json', home, '--dry-run'], { cwd: home });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: bad-plan\.json: the plan is not valid JSON: .* on line 2\b/);
  });
});

/**
 * `staysBehind`: the references left on a keystore the plan moves away from, as data on the change
 * set (the wizard lists them from it). It holds exactly the entries of the "still pointing at a
 * keystore this plan moves away from" warning, whose text stays as it was; an entry whose file path
 * holds "; " (the warning's separator) stays one entry.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectAlsoUpdate } from '../../src/changes/also-update';
import { applyCommand } from '../../src/cli/commands/apply';
import { planChanges } from '../../src/changes/plan-changes';
import type { ChangeSet } from '../../src/changes/types';
import { detectHome } from '../../src/home/layout';
import { readHomeFiles } from '../../src/home/read-files';
import { FIXTURES, copyHome } from '../helpers/home';
import { describeWithKeytool, genKeyPair } from '../helpers/keytool';
import { target } from '../toml-homes/helpers';
import { fakeIo } from '../wizard/scripted';

const SEC = 'repository/resources/security';
const STILL = 'still pointing at a keystore this plan moves away from: ';

async function plan(home: string, mode: 'none' | 'sameFile', fns: string[], opts: { keyB?: boolean; scan?: boolean } = {}): Promise<ChangeSet> {
  const layout = detectHome(home);
  const files = await readHomeFiles(layout);
  const extra = opts.scan === false ? null : await collectAlsoUpdate(layout, mode);
  const ks = target(home, 'newks', `${SEC}/newks.jks`, { alias: 'newkey' });
  const other = target(home, 'other', `${SEC}/other.jks`, { alias: 'o' });
  const targets = Object.fromEntries(fns.map((f) => [f, opts.keyB && f === 'tls' ? other : ks]));
  return planChanges({ layout, files: new Map([...(extra?.files ?? []), ...files]), targets, confirmInternalKeystoreChange: true, alsoUpdate: extra?.options });
}

const stillWarning = (cs: ChangeSet) => cs.warnings.filter((w) => w.startsWith(STILL));

describe('staysBehind holds exactly the references of the "still pointing" warning', () => {
  it('without alsoUpdate: every listed reference, in the warning\'s order, and the warning text unchanged', async () => {
    const cs = await plan(copyHome('apim-2.2.0'), 'none', ['primary', 'tls', 'axis2']);
    const refs = cs.staysBehind!;
    const ks = '(repository/resources/security/wso2carbon.jks)';
    expect(refs).toEqual([
      `repository/conf/axis2/axis2.xml_PT:308 axisconfig[AxisJava2.0]/transportReceiver[https]/parameter[keystore]/KeyStore/Location ${ks}`,
      `repository/conf/axis2/axis2.xml_PT:529 axisconfig[AxisJava2.0]/transportSender[https]/parameter[keystore]/KeyStore/Location ${ks}`,
      'repository/conf/identity/EndpointConfig.properties:21 client.keyStore (./repository/resources/security/wso2carbon.jks)',
      'repository/conf/identity/identity.xml:488 Server/EntitlementSettings/ThirftBasedEntitlementConfig/KeyStore/Location (${carbon.home}/repository/resources/security/wso2carbon.jks)',
      `repository/deployment/server/synapse-configs/default/inbound-endpoints/SecureWebSocketInboundEndpoint.xml:17 inboundEndpoint[SecureWebSocketEP]/parameters/parameter[wss.ssl.key.store.file] ${ks}`,
      `repository/resources/security/sslprofiles.xml:6 parameter[customSSLProfiles]/profile/KeyStore/Location ${ks}`,
    ]);
    expect(stillWarning(cs)).toEqual([`${STILL}${refs.join('; ')}. Add "alsoUpdate": "sameFile" to the plan to move them too, or change them by hand.`]);
  });

  it('with "sameFile": what could not be moved (or only in part), and the warning says to change them by hand', async () => {
    const cs = await plan(copyHome('is-5.5.0'), 'sameFile', ['primary', 'tls'], { keyB: true });
    const refs = cs.staysBehind!;
    const why = 'it served primary and tls, which get different keystores';
    expect(refs).toEqual([
      `repository/conf/identity/EndpointConfig.properties:21 client.keyStore (./repository/resources/security/wso2carbon.jks: ${why})`,
      `repository/conf/identity/identity.xml:488 Server/EntitlementSettings/ThirftBasedEntitlementConfig/KeyStore/Location (\${carbon.home}/repository/resources/security/wso2carbon.jks: ${why})`,
    ]);
    expect(stillWarning(cs)).toEqual([`${STILL}${refs.join('; ')}. Change them by hand.`]);
  });

  it('nothing left behind: no field and no warning', async () => {
    // carbon-kernel-4.4.40: no file outside the managed ones names wso2carbon.jks.
    const none = await plan(copyHome('carbon-kernel-4.4.40'), 'none', ['primary', 'tls']);
    expect(none.staysBehind).toBeUndefined();
    expect(stillWarning(none)).toEqual([]);
    // No scan given (a caller that does not ask): nothing is listed either.
    const unscanned = await plan(copyHome('apim-2.2.0'), 'none', ['primary', 'tls'], { scan: false });
    expect(unscanned.staysBehind).toBeUndefined();
    expect(stillWarning(unscanned)).toEqual([]);
  });

  it('a reference in a file whose path holds "; " is one entry, whole', async () => {
    const home = copyHome('apim-2.2.0');
    const odd = 'repository/conf/extra; old';
    mkdirSync(join(home, odd));
    copyFileSync(join(FIXTURES, 'apim-2.2.0', SEC, 'sslprofiles.xml'), join(home, odd, 'sslprofiles.xml'));
    const cs = await plan(home, 'none', ['primary', 'tls', 'axis2']);
    const refs = cs.staysBehind!;
    const entry = `${odd}/sslprofiles.xml:6 parameter[customSSLProfiles]/profile/KeyStore/Location (repository/resources/security/wso2carbon.jks)`;
    expect(refs).toContain(entry);
    expect(refs.filter((r) => r.startsWith('old/') || r.endsWith('extra'))).toEqual([]);
    // The warning joins them with "; ", so splitting its text would cut this one in two.
    expect(stillWarning(cs)[0]).toContain(entry);
    expect(stillWarning(cs)[0].slice(STILL.length).split('; ').length).toBe(refs.length + 1);

    // With "sameFile" that file is moved like any other.
    const moved = await plan(home, 'sameFile', ['primary', 'tls', 'axis2']);
    const f = moved.files.find((x) => x.path === `${odd}/sslprofiles.xml`)!;
    expect(f.after.toString('latin1')).toContain(`<Location>${SEC}/newks.jks</Location>`);
    expect(moved.staysBehind ?? []).not.toContain(entry);
  });
});

describeWithKeytool('apply --json', () => {
  const PASS = 'gw-Pa55&"word';
  let home: string;
  const run = async (extra: object, args: { dryRun?: boolean; yes?: boolean }) => {
    const planFile = join(home, '..', `plan-${Object.keys(extra).length}.json`);
    const functions = { tls: 'gw', axis2: 'gw' };
    writeFileSync(planFile, JSON.stringify({ version: 1, keystores: { gw: { path: `${SEC}/gw.jks`, password: { env: 'GW' }, alias: 'gw' } }, functions, ...extra }));
    const f = fakeIo(home, { GW: PASS });
    const code = await applyCommand({ plan: planFile, home, json: true, ...args }, f.io);
    return { code, out: JSON.parse(f.stdout()) as { warnings: string[]; staysBehind: string[]; changed: boolean } };
  };
  beforeAll(() => {
    home = copyHome('apim-2.2.0');
    genKeyPair({ file: join(home, SEC, 'gw.jks'), storeType: 'JKS', storePass: PASS, alias: 'gw' });
  });

  it('prints staysBehind next to warnings: the same entries as the "still pointing" warning', async () => {
    const { code, out } = await run({}, { dryRun: true });
    expect(code).toBe(0);
    expect(out.staysBehind).toEqual(expect.arrayContaining([`${SEC}/sslprofiles.xml:6 parameter[customSSLProfiles]/profile/KeyStore/Location (${SEC}/wso2carbon.jks)`]));
    expect(out.warnings.filter((w) => w.startsWith(STILL))).toEqual([`${STILL}${out.staysBehind.join('; ')}. Add "alsoUpdate": "sameFile" to the plan to move them too, or change them by hand.`]);
  });

  it('on the applied output too; an empty list when nothing stays behind', async () => {
    const dry = await run({}, { dryRun: true });
    const applied = await run({}, { yes: true });
    expect(applied.code).toBe(0);
    expect(applied.out.changed).toBe(true);
    expect(applied.out.staysBehind).toEqual(dry.out.staysBehind);
    expect(applied.out.staysBehind.length).toBeGreaterThan(1);
    // Run again: the home already uses gw.jks for tls and axis2, so no keystore moves and nothing is listed.
    const again = await run({}, { yes: true });
    expect(again.out).toMatchObject({ changed: false, staysBehind: [] });
    expect(again.out.warnings.filter((w) => w.startsWith(STILL))).toEqual([]);
  });
});

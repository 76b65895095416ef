/**
 * "alsoUpdate": "sameFile" on copies of real homes: the references the tool does not manage that
 * point at a moved keystore (sslprofiles.xml, the WSS inbound endpoint, identity.xml,
 * EndpointConfig.properties) get the new path (in their own style) and password, with minimal edits;
 * without the option they are listed; generated files on toml homes are left to deployment.toml.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectAlsoUpdate } from '../../src/changes/also-update';
import type { ChangeSet } from '../../src/changes/types';
import { readProperties } from '../../src/edit/properties';
import { readHomeFiles } from '../../src/home/read-files';
import { parseXml, select } from '../../src/xml/document';
import { planChanges } from '../../src/changes/plan-changes';
import { fileDiff } from '../../src/preview/diff';
import { detectHome } from '../../src/home/layout';
import { copyHome, removedLines } from '../helpers/home';
import { target } from '../toml-homes/helpers';

const NEW = 'N3w&pw<"';
const KEY = 'K3y&pw';
const TRUST = 'Tr5t&pw';

async function run(fx: string, mode: 'none' | 'sameFile', fns: string[], opts: { keyB?: boolean; other?: string[]; prepare?: (home: string) => void } = {}) {
  const home = copyHome(fx);
  opts.prepare?.(home);
  const layout = detectHome(home);
  const files = await readHomeFiles(layout);
  const extra = await collectAlsoUpdate(layout, mode);
  const all = new Map([...extra.files, ...files]);
  const ks = target(home, 'newks', 'repository/resources/security/newks.jks', { password: NEW, keyPassword: KEY, alias: 'newkey' });
  const other = target(home, 'other', 'repository/resources/security/other.jks', { password: 'o', keyPassword: 'o', alias: 'o' });
  const tr = target(home, 'trust', 'repository/resources/security/trust.jks', { password: TRUST, keyPassword: TRUST, alias: undefined });
  const targets = Object.fromEntries(fns.map((f) => [f, f === 'truststore' ? tr : (opts.keyB && f === 'tls') || opts.other?.includes(f) ? other : ks]));
  const cs = planChanges({ layout, files: all, targets, confirmInternalKeystoreChange: true, alsoUpdate: extra.options });
  return { cs, all, layout };
}

const after = (cs: ChangeSet, rel: string) => cs.files.find((f) => f.path === rel)?.after.toString('utf8');
const changedLines = (cs: ChangeSet, rel: string) => {
  const f = cs.files.find((x) => x.path === rel)!;
  return removedLines(f.before.toString('utf8'), f.after.toString('utf8'));
};

describe('APIM 2.2.0 with "alsoUpdate": "sameFile"', () => {
  let cs: ChangeSet;
  beforeAll(async () => {
    ({ cs } = await run('apim-2.2.0', 'sameFile', ['primary', 'tls', 'axis2', 'truststore']));
  });

  it('sslprofiles.xml: KeyStore and TrustStore blocks move, path style and only those lines', () => {
    const doc = parseXml(after(cs, 'repository/resources/security/sslprofiles.xml')!);
    expect(select(doc, 'parameter/profile/KeyStore/Location')[0].text).toBe('repository/resources/security/newks.jks');
    expect(select(doc, 'parameter/profile/KeyStore/Password')[0].text).toBe(NEW);
    expect(select(doc, 'parameter/profile/KeyStore/KeyPassword')[0].text).toBe(KEY);
    expect(select(doc, 'parameter/profile/TrustStore/Location')[0].text).toBe('repository/resources/security/trust.jks');
    expect(select(doc, 'parameter/profile/TrustStore/Password')[0].text).toBe(TRUST);
    expect(changedLines(cs, 'repository/resources/security/sslprofiles.xml')).toEqual([6, 8, 9, 12, 14]);
  });

  it('the WSS inbound endpoint: key store, its pass, the cert pass, trust store and its pass', () => {
    const rel = 'repository/deployment/server/synapse-configs/default/inbound-endpoints/SecureWebSocketInboundEndpoint.xml';
    const doc = parseXml(after(cs, rel)!);
    const p = (n: string) => doc.elements.find((e) => e.local === 'parameter' && e.attrs.some((a) => a.name === 'name' && a.value === n))!.text;
    expect(p('wss.ssl.key.store.file')).toBe('repository/resources/security/newks.jks');
    expect(p('wss.ssl.key.store.pass')).toBe(NEW);
    expect(p('wss.ssl.cert.pass')).toBe(KEY);
    expect(p('wss.ssl.trust.store.file')).toBe('repository/resources/security/trust.jks');
    expect(p('wss.ssl.trust.store.pass')).toBe(TRUST);
    expect(changedLines(cs, rel)).toEqual([17, 18, 19, 20, 21]);
  });

  it('EndpointConfig.properties: paths keep their ./ style, passwords next to them move', () => {
    const props = Object.fromEntries(readProperties(after(cs, 'repository/conf/identity/EndpointConfig.properties')!).map((p) => [p.key, p.value]));
    expect(props['client.keyStore']).toBe('./repository/resources/security/newks.jks');
    expect(props['Carbon.Security.KeyStore.Password']).toBe(NEW);
    expect(props['client.trustStore']).toBe('./repository/resources/security/trust.jks');
    expect(props['Carbon.Security.TrustStore.Password']).toBe(TRUST);
  });

  it('a second run changes nothing', async () => {
    const home = copyHome('apim-2.2.0');
    const layout = detectHome(home);
    const files = await readHomeFiles(layout);
    const extra = await collectAlsoUpdate(layout, 'sameFile');
    const ks = target(home, 'newks', 'repository/resources/security/newks.jks', { password: NEW, keyPassword: KEY, alias: 'newkey' });
    const tr = target(home, 'trust', 'repository/resources/security/trust.jks', { password: TRUST, keyPassword: TRUST, alias: undefined });
    const targets = { primary: ks, tls: ks, axis2: ks, truststore: tr };
    const first = planChanges({ layout, files: new Map([...extra.files, ...files]), targets, confirmInternalKeystoreChange: true, alsoUpdate: extra.options });
    const next = new Map([...extra.files, ...files, ...first.files.map((f) => [f.path, f.after] as const)]);
    const second = planChanges({ layout, files: next, targets, confirmInternalKeystoreChange: true, alsoUpdate: extra.options });
    expect(second.files.filter((f) => !f.after.equals(f.before)).map((f) => f.path)).toEqual([]);
  });
});

describe('without alsoUpdate', () => {
  it('edits nothing extra, and lists what still points at the old keystore', async () => {
    const { cs } = await run('apim-2.2.0', 'none', ['primary', 'tls', 'axis2', 'truststore']);
    expect(cs.files.map((f) => f.path).filter((p) => /sslprofiles|EndpointConfig|SecureWebSocket/.test(p))).toEqual([]);
    const w = cs.warnings.join('\n');
    expect(w).toMatch(/still pointing at a keystore this plan moves away from: .*sslprofiles\.xml:6/);
    expect(w).toMatch(/SecureWebSocketInboundEndpoint\.xml:17/);
    expect(w).toMatch(/Add "alsoUpdate": "sameFile"/);
  });
});

describe('a reference in a file the planner edits, in a setting none of its functions covers', () => {
  // APIM 2.2.0's axis2.xml: the https transports move with "axis2"/"truststore"; the wss sender's trust store does not.
  const WSS = 'repository/conf/axis2/axis2.xml:621 axisconfig[AxisJava2.0]/transportSender[wss]/parameter[ws.trust.store]/ws.trust.store.location';
  it.each([['none'], ['sameFile']] as const)('is listed as staying behind (%s), not left out silently', async (mode) => {
    const { cs } = await run('apim-2.2.0', mode, ['primary', 'tls', 'axis2', 'truststore']);
    expect(cs.staysBehind).toContain(`${WSS} (repository/resources/security/client-truststore.jks: not a setting this tool edits; change it by hand)`);
    // and the file's own edit does not touch it
    const axis2 = cs.files.find((f) => f.path === 'repository/conf/axis2/axis2.xml')!;
    expect(axis2.after.toString('utf8').split('\n')[620]).toContain('repository/resources/security/client-truststore.jks');
  });

  it('is not listed when its keystore does not move', async () => {
    const { cs } = await run('apim-2.2.0', 'none', ['primary', 'tls']);
    expect((cs.staysBehind ?? []).join('\n')).not.toContain('ws.trust.store');
  });
});

describe('refusals and limits', () => {
  it('a keystore that served two functions now given different keystores is listed, not guessed', async () => {
    const { cs } = await run('is-5.5.0', 'sameFile', ['primary', 'tls'], { keyB: true });
    expect(cs.files.map((f) => f.path)).not.toContain('repository/conf/identity/identity.xml');
    expect(cs.warnings.join('\n')).toMatch(/identity\.xml:\d+ .*served primary and tls, which get different keystores/);
  });

  it('names each function once, however many files set it (EI has three axis2 files)', async () => {
    const { cs } = await run('ei-6.2.0', 'sameFile', ['tls', 'axis2'], { other: ['axis2'] });
    const w = cs.warnings.join('\n');
    expect(w).toMatch(/it served (tls and axis2|axis2 and tls), which get different keystores/);
    expect(w).not.toMatch(/axis2 and axis2/);
  });

  it('moving only internal-data encryption moves and lists no reference: none of them is about it', async () => {
    const { cs } = await run('is-5.5.0', 'sameFile', ['internal']);
    expect(cs.files.map((f) => f.path)).toEqual(['repository/conf/carbon.xml']);
    expect(cs.staysBehind ?? []).toEqual([]);
  });

  it('internal given another keystore than primary: references follow primary, not called ambiguous', async () => {
    const { cs } = await run('is-5.5.0', 'sameFile', ['primary', 'internal'], { other: ['internal'] });
    expect(after(cs, 'repository/conf/identity/identity.xml')).toContain('newks.jks');
    expect(cs.warnings.join('\n')).not.toMatch(/which get different keystores/);
  });

  it("on a toml home, the config mapper's defaults (repository/resources/conf/default.json) are not called left behind", async () => {
    const { cs } = await run('carbon-kernel-4.6.1', 'none', ['primary', 'truststore']);
    expect((cs.staysBehind ?? []).join('\n')).not.toContain('repository/resources/conf/');
    expect(cs.files.map((f) => f.path)).toEqual(['repository/conf/deployment.toml']);
  });

  it('on a toml home, generated files (sslprofiles.xml, listenerprofiles.xml) are left to deployment.toml', async () => {
    const { cs } = await run('apim-3.2.0', 'sameFile', ['tls']);
    expect(cs.files.map((f) => f.path)).toEqual(['repository/conf/deployment.toml']);
    expect(cs.warnings.join('\n')).toMatch(/regenerated from repository\/conf\/deployment\.toml.*sslprofiles\.xml/);
  });

  it("the diff masks the old passwords of the files it moves, commented-out ones too, and still shows the paths", async () => {
    const OLD = 'Old5ecret9';
    const files = ['repository/conf/axis2/axis2.xml_PT', 'repository/deployment/server/synapse-configs/default/inbound-endpoints/SecureWebSocketInboundEndpoint.xml', 'repository/conf/identity/EndpointConfig.properties'];
    const prepare = (home: string) => {
      for (const rel of files) {
        const p = join(home, rel);
        writeFileSync(p, readFileSync(p, 'utf8').replace(/(<Password>|<KeyPassword>|\.pass">|Password=)wso2carbon/g, `$1${OLD}`));
      }
    };
    const { cs } = await run('apim-2.2.0', 'sameFile', ['primary', 'tls', 'axis2', 'truststore'], { prepare });
    const diffs = cs.files.map((f) => fileDiff(f, { color: false }));
    const all = diffs.join('\n');
    expect(cs.files.map((f) => f.path)).toEqual(expect.arrayContaining(files.slice(1)));
    expect(all).not.toContain(OLD);
    // Only the password values are masked: EndpointConfig's path change is in its diff.
    expect(all).toMatch(/^-client\.keyStore=\.\/repository\/resources\/security\/wso2carbon\.jks$/m);
    expect(all).toMatch(/^\+client\.keyStore=\.\/repository\/resources\/security\/newks\.jks$/m);
  });

  it('passwords of moved references are masked (in the change set secrets)', async () => {
    const { cs } = await run('apim-2.2.0', 'sameFile', ['tls']);
    expect(cs.secrets).toEqual(expect.arrayContaining([NEW, KEY]));
  });
});

describe('EI 6.2.0: the other profiles\' own carbon.xml', () => {
  // wso2/analytics, wso2/broker and wso2/business-process each have a conf/carbon.xml whose
  // Security/KeyStore names wso2carbon.jks with KeyAlias wso2carbon. Moving only their Location
  // would point them at a keystore without that alias (the profile would not start) and change the
  // key that encrypts their stored data without the internal-keystore confirmation.
  const PROFILES = ['wso2/analytics/conf/carbon.xml', 'wso2/broker/conf/carbon.xml', 'wso2/business-process/conf/carbon.xml'];

  it('"sameFile" leaves their KeyStore blocks as they are and lists them, with the reason', async () => {
    const { cs } = await run('ei-6.2.0', 'sameFile', ['tls', 'axis2']);
    const edited = cs.files.filter((f) => !f.after.equals(f.before)).map((f) => f.path);
    for (const p of PROFILES) expect(edited).not.toContain(p);
    const behind = cs.staysBehind ?? [];
    for (const p of PROFILES) {
      expect(behind).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${p.replace(/[./]/g, '\\$&')}:\\d+ .*KeyStore/Location \\(a keystore block with its own KeyAlias`))]));
    }
    expect(cs.warnings.join('\n')).toMatch(/still pointing at a keystore this plan moves away from: .*wso2\/analytics\/conf\/carbon\.xml:\d+/);
  });

  it('only the managed files change; the cipher tool\'s keystore (with its own alias) stays, listed', async () => {
    const { cs } = await run('ei-6.2.0', 'sameFile', ['tls', 'axis2']);
    expect(cs.files.map((f) => f.path)).toEqual(['conf/tomcat/catalina-server.xml', 'conf/axis2/axis2.xml', 'conf/axis2/axis2_nhttp.xml', 'conf/axis2/axis2_pt.xml']);
    expect(cs.files.every((f) => !f.after.equals(f.before))).toBe(true);
    // conf/cipher-standalone-config.properties: primary.key.location next to primary.key.alias.
    expect(cs.staysBehind).toContain(
      'conf/cipher-standalone-config.properties:2 primary.key.location (a keystore with its own alias, primary.key.alias, whose key may encrypt data: change it by hand if it should move)',
    );
  });
});

describe('a reference whose path moves but that names no password next to it', () => {
  it('moves, and is named in its own warning, not among those that stay behind', async () => {
    const home = copyHome('apim-2.2.0');
    const extraXml = 'repository/conf/extra/keystore-only.xml';
    const extraProps = 'repository/conf/extra/client.properties';
    mkdirSync(join(home, 'repository/conf/extra'));
    writeFileSync(join(home, extraXml), '<Config>\n  <KeyStore>\n    <Location>${carbon.home}/repository/resources/security/wso2carbon.jks</Location>\n    <Type>JKS</Type>\n  </KeyStore>\n</Config>\n');
    writeFileSync(join(home, extraProps), 'client.store=./repository/resources/security/wso2carbon.jks\n');
    const layout = detectHome(home);
    const files = await readHomeFiles(layout);
    const extra = await collectAlsoUpdate(layout, 'sameFile');
    const ks = target(home, 'newks', 'repository/resources/security/newks.jks', { password: NEW, keyPassword: KEY, alias: 'newkey' });
    const cs = planChanges({ layout, files: new Map([...extra.files, ...files]), targets: { tls: ks }, confirmInternalKeystoreChange: true, alsoUpdate: extra.options });
    expect(after(cs, extraXml)).toContain('<Location>${carbon.home}/repository/resources/security/newks.jks</Location>');
    expect(after(cs, extraProps)).toBe('client.store=./repository/resources/security/newks.jks\n');
    const partial = cs.warnings.filter((w) => w.startsWith('moved to the new keystore, but no password setting sits next to them'));
    expect(partial).toEqual([
      `moved to the new keystore, but no password setting sits next to them: check by hand that they get its password: ${extraProps}:1 client.store; ${extraXml}:3 Config/KeyStore/Location`,
    ]);
    expect((cs.staysBehind ?? []).filter((r) => r.startsWith('repository/conf/extra/'))).toEqual([]);
    expect(cs.warnings.filter((w) => w.startsWith('still pointing')).join('\n')).not.toContain('repository/conf/extra/');
  });
});

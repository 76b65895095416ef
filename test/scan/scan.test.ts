/** scan on real homes: every live reference, classified; commented-out blocks are not references. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectHome } from '../../src/home/layout';
import { scanHome } from '../../src/scan/scan';
import { FIXTURES, copyHome, ensureBuilt, runCli } from '../helpers/home';

beforeAll(() => ensureBuilt());

test('APIM 2.2.0: managed settings get their function, the rest is "other", comments are skipped', async () => {
  const refs = await scanHome(detectHome(join(FIXTURES, 'apim-2.2.0')));
  const fn = (path: string, line: number) => refs.find((r) => r.path === path && r.line === line)?.function;
  expect(fn('repository/conf/carbon.xml', 364)).toBe('primary');
  expect(fn('repository/conf/carbon.xml', 381)).toBe('truststore');
  expect(fn('repository/conf/tomcat/catalina-server.xml', 76)).toBe('tls');
  expect(fn('repository/conf/axis2/axis2.xml', 317)).toBe('axis2');
  expect(fn('repository/conf/axis2/axis2.xml', 325)).toBe('truststore');
  expect(fn('repository/conf/axis2/axis2.xml', 538)).toBe('axis2');
  expect(fn('repository/conf/identity/identity.xml', 488)).toBe('other');
  expect(fn('repository/resources/security/sslprofiles.xml', 6)).toBe('other');
  expect(fn('repository/conf/identity/EndpointConfig.properties', 21)).toBe('other');
  // axis2.xml lines 344/352 sit in a commented-out NIO transport: not references.
  expect(fn('repository/conf/axis2/axis2.xml', 344)).toBeUndefined();
  expect(refs.find((r) => r.path === 'repository/conf/carbon.xml' && r.line === 364)).toEqual({
    path: 'repository/conf/carbon.xml',
    line: 364,
    setting: 'Server/Security/KeyStore/Location',
    value: '${carbon.home}/repository/resources/security/wso2carbon.jks',
    function: 'primary',
  });
  expect(refs.filter((r) => r.function === 'axis2')).toHaveLength(2);
});

test('EI 6.2.0: sec.policy is secPolicy; the other profiles under wso2/ are "other"', async () => {
  const refs = await scanHome(detectHome(join(FIXTURES, 'ei-6.2.0')));
  expect(refs.find((r) => r.path === 'conf/sec.policy')).toMatchObject({ line: 1, function: 'secPolicy', value: 'file:${user.dir}/repository/resources/security/wso2carbon.jks' });
  expect(refs.filter((r) => r.path.startsWith('wso2/')).every((r) => r.function === 'other')).toBe(true);
  expect(refs.filter((r) => r.function === 'axis2')).toHaveLength(6);
});

test('IS 5.5.0: https transports are commented out in axis2.xml, so no axis2 reference', async () => {
  const refs = await scanHome(detectHome(join(FIXTURES, 'is-5.5.0')));
  expect(refs.filter((r) => r.path.includes('axis2/'))).toEqual([]);
  expect(refs.filter((r) => r.function === 'tls')).toHaveLength(1);
});

test('the walk gives the same references whichever way the start folder is written', async () => {
  const layout = detectHome(join(FIXTURES, 'ei-6.2.0'));
  const plain = await scanHome(layout);
  expect(plain.length).toBeGreaterThan(10);
  // A trailing separator, a `..` and the layout's own `conf` folder as the root: the paths the walk
  // joins by hand (src/scan/scan.ts walk) must still be the home-relative paths of the files.
  expect(await scanHome(layout, { root: `${layout.home}/` })).toEqual(plain);
  expect(await scanHome(layout, { root: `${layout.home}/conf/../.` })).toEqual(plain);
  const conf = await scanHome(layout, { root: join(layout.home, 'conf') });
  expect(conf).toEqual(plain.filter((r) => r.path.startsWith('conf/')));
});

test('skip is asked with home-relative paths however the home is written, and leaves the file out', async () => {
  const layout = detectHome(join(FIXTURES, 'ei-6.2.0'));
  const plain = await scanHome(layout);
  const carbon = layout.files.carbon!;
  expect(plain.some((r) => r.path === carbon)).toBe(true);
  for (const home of [layout.home, `${layout.home}/`, `${layout.home}/conf/..`]) {
    const asked: string[] = [];
    const refs = await scanHome({ ...layout, home }, { skip: (rel) => (asked.push(rel), rel === carbon) });
    expect(refs).toEqual(plain.filter((r) => r.path !== carbon));
    // Every file the walk lists is asked about, by its path from the home (not absolute, no `..`).
    expect(asked).toContain(carbon);
    expect(asked.every((rel) => !rel.startsWith('/') && !rel.split('/').includes('..'))).toBe(true);
  }
});

test('a malformed managed file: its references still listed by line, and the scan says why they have no setting', async () => {
  const home = copyHome('ei-6.2.0');
  const cat = join(home, 'conf/tomcat/catalina-server.xml');
  writeFileSync(cat, readFileSync(cat, 'latin1').replace('name="Catalina">', 'name="Catalina>'), 'latin1');
  const told: Array<[string, string]> = [];
  const refs = await scanHome(detectHome(home), { onUnreadable: (rel, why) => told.push([rel, why]) });
  expect(told).toEqual([['conf/tomcat/catalina-server.xml', expect.stringMatching(/^conf\/tomcat\/catalina-server\.xml:24: malformed XML/)]]);
  expect(refs.filter((r) => r.path === 'conf/tomcat/catalina-server.xml').length).toBeGreaterThan(0);
  const r = runCli(['scan', home, '--json']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).warnings).toEqual([
    'conf/tomcat/catalina-server.xml:24: malformed XML: disallowed character; its references are listed by line only, without their setting or function, and apply and verify refuse the file until it is fixed',
  ]);
  expect(JSON.parse(runCli(['scan', copyHome('ei-6.2.0'), '--json']).stdout).warnings).toEqual([]);
});

test('a malformed file the tool does not manage: the same warning, without the claim that apply refuses it', async () => {
  const home = copyHome('ei-6.2.0');
  writeFileSync(join(home, 'conf/custom-broken.xml'), '<?xml version="1.0"?>\n<c>\n  <KeyStore>repository/resources/security/wso2carbon.jks</KeyStore>\n<c>\n');
  const w = JSON.parse(runCli(['scan', home, '--json']).stdout).warnings;
  expect(w).toEqual([expect.stringMatching(/^conf\/custom-broken\.xml(:\d+)?: malformed XML.*; its references are listed by line only, without their setting or function$/)]);
});

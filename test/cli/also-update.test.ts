/** alsoUpdate through the CLI: the other consumers of a moved keystore move with it, or are listed. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyHome, ensureBuilt, hashTree, runCli } from '../helpers/home';
import { describeWithKeytool, keytool } from '../helpers/keytool';

beforeAll(() => ensureBuilt());

describeWithKeytool('apply with and without "alsoUpdate": "sameFile" (APIM 2.2.0)', () => {
  const PASS = 'gw-Pa55&"word';
  let home: string;
  const plan = (extra: object) => {
    const f = join(home, '..', `plan-${Object.keys(extra).length}.json`);
    writeFileSync(f, JSON.stringify({ version: 1, keystores: { gw: { path: 'repository/resources/security/gw.jks', password: { env: 'GW' }, alias: 'gw' } }, functions: { tls: 'gw', axis2: 'gw' }, ...extra }));
    return f;
  };

  beforeAll(() => {
    home = copyHome('apim-2.2.0');
    keytool(['-genkeypair', '-alias', 'gw', '-keystore', join(home, 'repository/resources/security/gw.jks'), '-storetype', 'JKS', '-storepass', PASS, '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=gw', '-validity', '100']);
  });

  test('without it: the references left on the old keystore are listed, not changed', () => {
    const r = runCli(['apply', '--plan', plan({}), home, '--dry-run', '--json'], { env: { GW: PASS } });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const still = out.warnings.find((w: string) => w.startsWith('still pointing'));
    expect(still).toMatch(/identity\.xml:488/);
    expect(still).toMatch(/sslprofiles\.xml:6/);
    expect(still).toMatch(/EndpointConfig\.properties:21/);
    expect(still).not.toMatch(/axis2\.xml_PT:335/); // inside a comment: not a reference
    expect(out.files.map((f: { path: string }) => f.path).sort()).toEqual(['repository/conf/axis2/axis2.xml', 'repository/conf/tomcat/catalina-server.xml']);
  });

  test('with it: they move too, with their passwords, and restore puts everything back', () => {
    const before = hashTree(home);
    const r = runCli(['apply', '--plan', plan({ alsoUpdate: 'sameFile' }), home, '--yes', '--json'], { env: { GW: PASS } });
    expect(r.code).toBe(0);
    const changed = JSON.parse(r.stdout).files.filter((f: { changed: boolean }) => f.changed).map((f: { path: string }) => f.path);
    expect(changed).toEqual(
      expect.arrayContaining([
        'repository/conf/identity/identity.xml',
        'repository/resources/security/sslprofiles.xml',
        'repository/conf/identity/EndpointConfig.properties',
        'repository/deployment/server/synapse-configs/default/inbound-endpoints/SecureWebSocketInboundEndpoint.xml',
      ]),
    );
    const props = readFileSync(join(home, 'repository/conf/identity/EndpointConfig.properties'), 'utf8');
    expect(props).toContain('client.keyStore=./repository/resources/security/gw.jks\n');
    expect(props).toContain('client.trustStore=./repository/resources/security/client-truststore.jks\n');
    expect(readFileSync(join(home, 'repository/conf/identity/identity.xml'), 'latin1')).toContain('<Location>${carbon.home}/repository/resources/security/gw.jks</Location>');
    expect(r.stdout).not.toContain(PASS);
    expect(runCli(['restore', home, '--yes']).code).toBe(0);
    expect(hashTree(home)).toEqual(before);
  });
});

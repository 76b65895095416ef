/**
 * `notApplicable` from the XML-era planner, for tls: a home without catalina-server.xml, and one whose
 * catalina-server.xml has no SSL Connector with a keystore. Each names tls with its own warning, and
 * edits nothing; a home whose Connector is there does not name it. Copies of a real kernel 4.4.40 home.
 */
import { planChanges } from '../../src/changes/plan-changes';
import { detectHome } from '../../src/home/layout';
import { readHomeFiles } from '../../src/home/read-files';
import { copyHome } from '../helpers/home';
import { target } from '../toml-homes/helpers';

async function setup() {
  const home = copyHome('carbon-kernel-4.4.40');
  const layout = detectHome(home);
  const files = await readHomeFiles(layout);
  const tls = target(home, 'newks', 'repository/resources/security/newks.jks', { alias: 'newkey' });
  return { layout, files, tls, catalina: layout.files.catalina! };
}

describe('tls with nothing to edit (XML-era home)', () => {
  it('no catalina-server.xml: tls is not applicable, with the warning that says so', async () => {
    const { layout, files, tls, catalina } = await setup();
    files.delete(catalina);
    const cs = planChanges({ layout: { ...layout, files: { ...layout.files, catalina: undefined } }, files, targets: { tls } });
    expect(cs.notApplicable).toEqual(['tls']);
    expect(cs.warnings).toContain(`tls: ${layout.confDir}/tomcat/catalina-server.xml is missing; nothing changed for Tomcat`);
    expect(cs.files).toEqual([]);
  });

  it('no SSL Connector with a keystore: tls is not applicable, with the warning that says so', async () => {
    const { layout, files, tls, catalina } = await setup();
    const text = files.get(catalina)!.toString('utf8');
    // A plain-HTTP Connector only: no SSLEnabled, no keystore (src/edit/catalina.ts sslConnectors).
    const without = text.replace(/\s+(SSLEnabled|keystoreFile|keystorePass)="[^"]*"/g, '');
    expect(without).not.toBe(text);
    files.set(catalina, Buffer.from(without, 'utf8'));
    const cs = planChanges({ layout, files, targets: { tls } });
    expect(cs.notApplicable).toEqual(['tls']);
    expect(cs.warnings).toContain(`tls: ${catalina} has no SSL Connector with a keystore; nothing changed there`);
    expect(cs.files.map((f) => f.path)).not.toContain(catalina);
  });

  it('the stock Connector: tls is edited and notApplicable is absent', async () => {
    const { layout, files, tls, catalina } = await setup();
    const cs = planChanges({ layout, files, targets: { tls } });
    expect(cs.files.map((f) => f.path)).toContain(catalina);
    expect(cs).not.toHaveProperty('notApplicable');
  });
});

/**
 * The refusal to move the internal-encryption keystore (INTERNAL_KEYSTORE_CHANGE) on copies of real
 * XML-era homes: its code, file, from/to, and the one wording of the consequences and the advice
 * (INTERNAL_KEYSTORE_CONSEQUENCES / _ADVICE) that the wizard's warning prints too.
 */
import { INTERNAL_KEYSTORE_ADVICE, INTERNAL_KEYSTORE_CONSEQUENCES, internalKeystoreChange, planChanges, type Targets } from '../../src/changes/plan-changes';
import { readCarbonXml } from '../../src/edit/carbon';
import { KsError } from '../../src/errors';
import { detectHome } from '../../src/home/layout';
import { readHomeFiles } from '../../src/home/read-files';
import { parseXml } from '../../src/xml/document';
import { copyHome } from '../helpers/home';
import { target } from '../toml-homes/helpers';

async function refusal(fixture: string, fns: string[]) {
  const home = copyHome(fixture);
  const layout = detectHome(home);
  const files = await readHomeFiles(layout);
  const ks = target(home, 'newks', 'repository/resources/security/newks.jks', { alias: 'newkey' });
  const targets: Targets = Object.fromEntries(fns.map((f) => [f, ks]));
  const carbon = readCarbonXml(parseXml(files.get(layout.files.carbon!)!.toString('utf8'), layout.files.carbon));
  const change = internalKeystoreChange(carbon, targets)!;
  let error: unknown;
  try {
    planChanges({ layout, files, targets });
  } catch (e) {
    error = e;
  }
  const confirmed = planChanges({ layout, files, targets, confirmInternalKeystoreChange: true });
  return { error: error as KsError, change, carbonRel: layout.files.carbon, confirmed };
}

describe('INTERNAL_KEYSTORE_CHANGE', () => {
  it('Security/InternalKeyStore moved (kernel 4.4.40): refused with from/to, the shared consequences and advice', async () => {
    const r = await refusal('carbon-kernel-4.4.40', ['internal']);
    expect(r.error).toBeInstanceOf(KsError);
    expect(r.error.code).toBe('INTERNAL_KEYSTORE_CHANGE');
    expect(r.error.file).toBe(r.carbonRel);
    expect(r.change).toEqual({
      from: '${carbon.home}/repository/resources/security/wso2carbon.jks (alias wso2carbon)',
      to: '${carbon.home}/repository/resources/security/newks.jks (alias newkey)',
    });
    expect(r.error.message).toBe(
      `this plan changes the keystore that encrypts internal data, Security/InternalKeyStore: from ${r.change.from} to ${r.change.to}. ${INTERNAL_KEYSTORE_CONSEQUENCES}`,
    );
    expect(r.error.hint).toBe(`${INTERNAL_KEYSTORE_ADVICE}. If you have, add "confirmInternalKeystoreChange": true to the plan.`);
    expect(r.confirmed.warnings).toContain(`internal data encryption moves from ${r.change.from} to ${r.change.to}: data already encrypted with the old key must be re-encrypted (WSO2 data migration / cipher tool)`);
  });

  it('no InternalKeyStore (EI 6.2.0): moving primary is refused the same way, saying why primary counts', async () => {
    const r = await refusal('ei-6.2.0', ['primary']);
    expect(r.error.code).toBe('INTERNAL_KEYSTORE_CHANGE');
    expect(r.error.message).toBe(
      `this plan changes the keystore that encrypts internal data, the primary keystore (this home has no Security/InternalKeyStore, so the primary keystore encrypts internal data): from ${r.change.from} to ${r.change.to}. ${INTERNAL_KEYSTORE_CONSEQUENCES}`,
    );
    expect(r.error.hint).toBe(`${INTERNAL_KEYSTORE_ADVICE}. If you have, add "confirmInternalKeystoreChange": true to the plan.`);
  });

  it('deployment.toml homes (is-5.11.0, primary alone moves internal): the same consequences', async () => {
    // plan-toml.ts builds its refusal from the same constants (src/changes/common.ts).
    const home = copyHome('is-5.11.0');
    const layout = detectHome(home);
    const files = await readHomeFiles(layout);
    const t = target(home, 'newks', 'repository/resources/security/newks.jks', { alias: 'newkey' });
    let error: KsError | undefined;
    try {
      planChanges({ layout, files, targets: { primary: t } });
    } catch (e) {
      error = e as KsError;
    }
    expect(error).toMatchObject({ code: 'INTERNAL_KEYSTORE_CHANGE', message: expect.stringMatching(/ to \S*newks\.jks \(alias newkey\)\. /) });
    expect(error!.message.endsWith(`. ${INTERNAL_KEYSTORE_CONSEQUENCES}`)).toBe(true);
  });

  it('the shared wording names what is lost and where to read about migrating it', () => {
    expect(INTERNAL_KEYSTORE_CONSEQUENCES).toBe(
      'Data the server has already encrypted (passwords in the registry and databases, OAuth secrets, Secure Vault values) can no longer be decrypted after this change',
    );
    expect(INTERNAL_KEYSTORE_ADVICE).toContain('WSO2 docs: "Migrating encrypted data"');
  });
});

describe('pinning internal encryption on a home without Security/InternalKeyStore', () => {
  async function pinned(fixture: string, targets: (home: string) => Targets) {
    const home = copyHome(fixture);
    const layout = detectHome(home);
    const files = await readHomeFiles(layout);
    return planChanges({ layout, files, targets: targets(home) });
  }
  const kernelWarning = (w: string[]) => w.filter((x) => /read only by kernels with the Carbon Crypto Service/.test(x));
  const stock = (home: string) => target(home, 'stock', 'repository/resources/security/wso2carbon.jks', { alias: 'wso2carbon', password: 'wso2carbon', keyPassword: 'wso2carbon' });
  const fresh = (home: string) => target(home, 'newks', 'repository/resources/security/newks.jks', { alias: 'newkey' });

  it('EI 6.2.0, primary moved and internal kept on wso2carbon.jks: not refused, but the added block needs the Carbon Crypto Service, and the warning says so', async () => {
    const cs = await pinned('ei-6.2.0', (home) => ({ primary: fresh(home), internal: stock(home) }));
    const w = kernelWarning(cs.warnings);
    expect(w).toHaveLength(1);
    expect(w[0]).toContain('conf/carbon.xml had no Security/InternalKeyStore, so until now the primary keystore (${carbon.home}/repository/resources/security/wso2carbon.jks, alias wso2carbon) encrypted internal data');
    expect(w[0]).toContain('what the server has stored cannot be decrypted');
    // The blocks are still what the plan asked for.
    const carbon = cs.files.find((f) => f.path === 'conf/carbon.xml')!.after.toString('utf8');
    expect(carbon).toMatch(/<InternalKeyStore>\s*(<!--[\s\S]*?-->\s*)?<Location>\$\{carbon\.home\}\/repository\/resources\/security\/wso2carbon\.jks<\/Location>/);
  });

  it('no warning where the server already reads InternalKeyStore (kernel 4.4.40), nor where primary stays (EI 6.2.0, internal alone)', async () => {
    expect(kernelWarning((await pinned('carbon-kernel-4.4.40', (home) => ({ primary: fresh(home), internal: stock(home) }))).warnings)).toEqual([]);
    const home = copyHome('ei-6.2.0');
    const layout = detectHome(home);
    const files = await readHomeFiles(layout);
    const cs = planChanges({ layout, files, targets: { primary: stock(home), internal: fresh(home) }, confirmInternalKeystoreChange: true });
    expect(kernelWarning(cs.warnings)).toEqual([]);
  });
});

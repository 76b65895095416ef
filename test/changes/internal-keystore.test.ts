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

/** scan and verify on deployment.toml homes: the toml (defaults included) is what counts; misspelt keys are pointed out. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyHome } from '../../src/cli/commands/verify';
import { detectHome } from '../../src/home/layout';
import { scanHome } from '../../src/scan/scan';
import { copyHome, ensureBuilt, runCli } from '../helpers/home';
import { describeWithKeytool, exportCert, genKeyPair, importTrusted, tmpDir } from '../helpers/keytool';

const TOML = 'repository/conf/deployment.toml';

beforeAll(() => ensureBuilt());

describe('scan and verify read deployment.toml', () => {
  it('scan names the function of each file_name line and flags a misspelt key', async () => {
    const home = copyHome('is-5.11.0');
    const p = join(home, TOML);
    writeFileSync(p, readFileSync(p, 'utf8').replace('[keystore.primary]\n', '[keystore.primary]\nname = "custom.jks"\n'));
    const refs = (await scanHome(detectHome(home))).filter((r) => r.path === TOML);
    expect(refs.map((r) => [r.line, r.function, r.value])).toEqual([
      [31, 'other', 'custom.jks'],
      [32, 'primary', 'wso2carbon.jks'],
      [36, 'truststore', 'client-truststore.jks'],
    ]);
    expect(refs[0].setting).toMatch(/not read by the server.*did you mean file_name/);
  });

  it('verify reports every function with its defaults, and warns about the misspelt key', async () => {
    const home = copyHome('is-5.11.0');
    const p = join(home, TOML);
    writeFileSync(p, readFileSync(p, 'utf8').replace('[keystore.primary]\n', '[keystore.primary]\nname = "custom.jks"\n'));
    const lines = await verifyHome(detectHome(home), new Date('2020-06-01'));
    expect(lines.map((l) => [l.function, l.ok, l.keystore])).toEqual([
      ['primary', true, 'repository/resources/security/wso2carbon.jks'],
      ['internal', true, 'repository/resources/security/wso2carbon.jks'],
      ['tls', true, 'repository/resources/security/wso2carbon.jks'],
      ['truststore', true, 'repository/resources/security/client-truststore.jks'],
    ]);
    expect(lines[0].warnings.join('\n')).toMatch(/\[keystore\.primary\] name is not a key the server reads.*file_name/);
    expect(lines[1].owner).toMatch(/follows \[keystore\.primary\]/);
  });

  it('verify prints a setting left to the default as "(by default)", never as line 0', () => {
    const r = runCli(['verify', copyHome('is-5.11.0')]);
    expect(r.stdout).not.toMatch(/deployment\.toml:0\b/);
    // The stock certificate expired in 2022: that breaks TLS (FAIL), not signing or internal encryption (OK, warned).
    expect(r.stdout).toMatch(/^OK {4}internal   repository\/conf\/deployment\.toml \(by default\) \[keystore\.internal\]/m);
    expect(r.stdout).toMatch(/^OK {4}primary /m);
    expect(r.stdout).toMatch(/^FAIL {2}tls /m);
    expect(r.stdout).toMatch(/warning: certificate expired on 2022-01-25/);
    expect(r.code).toBe(1);
  });

  it('verify does not try to open a Secure Vault password it cannot read', async () => {
    const home = copyHome('carbon-kernel-4.6.1');
    const p = join(home, TOML);
    writeFileSync(p, readFileSync(p, 'utf8').replace('password ="wso2carbon"', 'password = "$secret{keystore_password}"') + '\n[secrets]\nkeystore_password = "c2VjcmV0"\n');
    const lines = await verifyHome(detectHome(home), new Date('2020-06-01'));
    expect(lines[0].message).toMatch(/Secure Vault \(keystore_password\)/);
  });

  describe('a Secure Vault password still in clear under [secrets] (not yet encrypted) is checked', () => {
    const withSecret = (primary: string, secrets: string) => {
      const home = copyHome('is-5.11.0');
      const p = join(home, TOML);
      const text = readFileSync(p, 'utf8');
      const block = '[keystore.primary]\nfile_name = "wso2carbon.jks"\npassword = "wso2carbon"\n';
      expect(text).toContain(block);
      writeFileSync(p, text.replace(block, `[keystore.primary]\nfile_name = "wso2carbon.jks"\n${primary}\n`) + `\n[secrets]\n${secrets}\n`);
      return verifyHome(detectHome(home), new Date('2020-06-01'));
    };

    it('a wrong clear value fails, as the server would at start', async () => {
      const [primary] = await withSecret('password = "$secret{ks}"', 'ks = "[wrongpass]"');
      expect(primary).toMatchObject({ function: 'primary', ok: false });
      expect(primary.message).toMatch(/password/i);
      expect(primary.message).not.toContain('wrongpass');
    });

    it('the right clear value opens the key, with a reminder to encrypt it', async () => {
      const [primary] = await withSecret('password = "$secret{ks}"', 'ks = "[wso2carbon]"');
      expect(primary).toMatchObject({ function: 'primary', ok: true });
      expect(primary.message).toMatch(/key "wso2carbon" opens/);
      expect(primary.warnings).toContain('the password is in [secrets] ks in clear (not yet encrypted): run bin/ciphertool.sh -Dconfigure to encrypt it');
    });

    it('password and key_password through one alias: the reminder comes once', async () => {
      const [primary] = await withSecret('password = "$secret{ks}"\nkey_password = "$secret{ks}"', 'ks = "[wso2carbon]"');
      expect(primary).toMatchObject({ function: 'primary', ok: true });
      expect(primary.warnings.filter((w) => w.includes('not yet encrypted'))).toEqual(['the password is in [secrets] ks in clear (not yet encrypted): run bin/ciphertool.sh -Dconfigure to encrypt it']);
    });

    it('a key password still in clear is checked and gets the same reminder', async () => {
      const [primary] = await withSecret('password = "wso2carbon"\nkey_password = "$secret{kp}"', 'kp = "[wso2carbon]"');
      expect(primary).toMatchObject({ function: 'primary', ok: true });
      expect(primary.warnings).toContain('the password is in [secrets] kp in clear (not yet encrypted): run bin/ciphertool.sh -Dconfigure to encrypt it');
    });

    describeWithKeytool('a truststore whose password is still in clear', () => {
      it('is opened for the "certificate not in the truststore" check', async () => {
        const home = copyHome('is-5.11.0');
        const sec = join(home, 'repository/resources/security');
        const scratch = tmpDir('clear-trust');
        genKeyPair({ file: join(scratch, 'other.jks'), storeType: 'JKS', storePass: 'otherpw', alias: 'other' });
        writeFileSync(join(scratch, 'other.der'), exportCert(join(scratch, 'other.jks'), 'otherpw', 'other'));
        importTrusted(join(sec, 'other-trust.jks'), 'JKS', 'trustpw', 'other', join(scratch, 'other.der'));
        const p = join(home, TOML);
        const text = readFileSync(p, 'utf8');
        const block = '[truststore]\nfile_name="client-truststore.jks"\npassword="wso2carbon"\n';
        expect(text).toContain(block);
        writeFileSync(p, text.replace(block, '[truststore]\nfile_name="other-trust.jks"\npassword="$secret{ts}"\n') + '\n[secrets]\nts = "[trustpw]"\n');
        const lines = await verifyHome(detectHome(home), new Date('2020-06-01'));
        expect(lines.find((l) => l.function === 'truststore')).toMatchObject({ ok: true });
        expect(lines.find((l) => l.function === 'primary')!.warnings.join('\n')).toMatch(/is not in the truststore repository\/resources\/security\/other-trust\.jks/);
      });
    });

    it('an encrypted key password is not guessed from the store password', async () => {
      const [primary] = await withSecret('password = "wso2carbon"\nkey_password = "$secret{kp}"', 'kp = "c2VjcmV0"');
      expect(primary).toMatchObject({ function: 'primary', ok: true });
      expect(primary.message).toBe('JKS opens with its password; key "wso2carbon" is there, its password is in Secure Vault (kp); not checked');
    });
  });
});

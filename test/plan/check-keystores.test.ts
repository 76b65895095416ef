/**
 * A plan that names no alias for a key function: the keystore must hold exactly one private key.
 * With several, ALIAS_MISSING names them (the first 20 and the count beyond that, as checkKeyEntry
 * does) so the user can pick one. Keystores are wso2carbon.jks's real key entry stored under several
 * aliases by our own JKS serialiser (test/helpers/keytool.ts withManyKeys), in a copy of a real home.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildChangeSet } from '../../src/cli/commands/apply';
import { verifyHome } from '../../src/cli/commands/verify';
import { KsError } from '../../src/errors';
import { detectHome } from '../../src/home/layout';
import { parsePlan } from '../../src/plan/plan';
import { copyHome } from '../helpers/home';
import { describeWithKeytool, genKeyPair, tmpDir, withManyKeys } from '../helpers/keytool';
import { cipherToolConfigure } from '../secure-vault/prepare';

const SEC = 'repository/resources/security';
const keys = (n: number) => Array.from({ length: n }, (_, i) => `key${String(i + 1).padStart(2, '0')}`);

async function withoutAlias(keyCount: number): Promise<KsError> {
  const home = copyHome('carbon-kernel-4.4.26');
  writeFileSync(join(home, SEC, 'many.jks'), withManyKeys(keyCount));
  const plan = parsePlan(
    JSON.stringify({
      version: 1,
      keystores: { many: { path: `${SEC}/many.jks`, type: 'JKS', password: { env: 'MANY_PASS' } } },
      functions: { tls: 'many' },
    }),
  );
  try {
    await buildChangeSet(detectHome(home), plan, { MANY_PASS: 'wso2carbon' });
  } catch (e) {
    if (e instanceof KsError) return e;
    throw e;
  }
  throw new Error('expected ALIAS_MISSING');
}

describe('a plan without "alias" on a keystore with several keys', () => {
  it('names every key when there are 20 or fewer', async () => {
    const e = await withoutAlias(3);
    expect(e.code).toBe('ALIAS_MISSING');
    expect(e.message).toBe(`keystore "many" (for tls): it holds 3 private keys (${keys(3).join(', ')}), so the plan must name one with "alias"`);
    expect(e.hint).toBe('Check keystores.many in the plan.');
  });

  it('names the first 20 and counts the rest beyond that', async () => {
    const e = await withoutAlias(25);
    expect(e.code).toBe('ALIAS_MISSING');
    expect(e.message).toBe(`keystore "many" (for tls): it holds 25 private keys (${keys(20).join(', ')}, … (25 keys)), so the plan must name one with "alias"`);
    expect(e.message).not.toContain('key21');
  });

  it('takes the only key when there is exactly one', async () => {
    const home = copyHome('carbon-kernel-4.4.26');
    writeFileSync(join(home, SEC, 'one.jks'), withManyKeys(1));
    const plan = parsePlan(
      JSON.stringify({ version: 1, keystores: { one: { path: `${SEC}/one.jks`, type: 'JKS', password: { env: 'ONE_PASS' } } }, functions: { tls: 'one' } }),
    );
    const cs = await buildChangeSet(detectHome(home), plan, { ONE_PASS: 'wso2carbon' });
    const tls = cs.files.find((f) => f.path.endsWith('catalina-server.xml'))!;
    expect(tls.changes.map((c) => c.setting)).toContain('Connector[port=9443]/@keystoreFile');
    expect(tls.after.toString('utf8')).toContain(`${SEC}/one.jks`);
  });
});

describe('axis2 on a keystore with several keys', () => {
  // Its https transports carry Location, Type and passwords but no alias: the server takes the first key that fits.
  async function axis2With(keyCount: number, alias?: string) {
    const home = copyHome('ei-6.2.0');
    writeFileSync(join(home, 'repository/resources/security/many.jks'), withManyKeys(keyCount));
    const plan = parsePlan(
      JSON.stringify({
        version: 1,
        keystores: { many: { path: 'repository/resources/security/many.jks', type: 'JKS', password: { env: 'MANY_PASS' }, ...(alias ? { alias } : {}) } },
        functions: { tls: 'many', axis2: 'many' },
      }),
    );
    const layout = detectHome(home);
    return { cs: await buildChangeSet(layout, plan, { MANY_PASS: 'wso2carbon' }), layout };
  }

  it('is applied with a warning that the alias chosen is not sure to be the one served', async () => {
    const { cs } = await axis2With(2, 'key02');
    expect(cs.files.map((f) => f.path)).toContain('conf/axis2/axis2.xml');
    expect(cs.warnings).toContain(
      `keystore "many" (for axis2): axis2's https transports name no alias, and it holds 2 private keys (key01, key02): the server takes whichever fits the handshake first, not necessarily "key02". To be sure, give axis2 a keystore with just that key (keytool -importkeystore -srcalias key02 …).`,
    );
  });

  it('with exactly one key: no warning', async () => {
    const { cs } = await axis2With(1);
    expect(cs.files.map((f) => f.path)).toContain('conf/axis2/axis2.xml');
    expect(cs.warnings.join('\n')).not.toMatch(/name no alias/);
  });

  it('verify afterwards agrees: a warning on the axis2 lines, not a failure', async () => {
    const { cs, layout } = await axis2With(2, 'key02');
    for (const f of cs.files) writeFileSync(join(layout.home, f.path), f.after);
    const lines = (await verifyHome(layout)).filter((l) => l.function === 'axis2');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l.ok).toBe(true);
      expect(l.warnings.join('\n')).toMatch(/name no alias, and the keystore holds 2 private keys/);
    }
  });
});

describeWithKeytool('a JKS whose key password differs from its store password', () => {
  async function keyPasswordError(keyPassword?: string): Promise<KsError> {
    const home = copyHome('carbon-kernel-4.4.26');
    const file = join(tmpDir('two-passwords'), 'two.jks');
    genKeyPair({ file, storeType: 'JKS', storePass: 'store-pass-1', keyPass: 'key-pass-2', alias: 'server' });
    writeFileSync(join(home, SEC, 'two.jks'), readFileSync(file));
    const plan = parsePlan(
      JSON.stringify({
        version: 1,
        keystores: { two: { path: `${SEC}/two.jks`, type: 'JKS', password: { env: 'TWO_PASS' }, alias: 'server', ...(keyPassword ? { keyPassword: { env: 'TWO_KEY' } } : {}) } },
        functions: { tls: 'two' },
      }),
    );
    try {
      await buildChangeSet(detectHome(home), plan, { TWO_PASS: 'store-pass-1', TWO_KEY: keyPassword ?? '' });
    } catch (e) {
      if (e instanceof KsError) return e;
      throw e;
    }
    throw new Error('expected KEY_PASSWORD');
  }

  it('a plan without keyPassword is told the key has its own password, which it must give', async () => {
    const e = await keyPasswordError();
    expect(e.code).toBe('KEY_PASSWORD');
    expect(e.message).toBe(`keystore "two" (for tls): the key password of "server" in ${SEC}/two.jks differs from the keystore password; it must be given`);
  });

  it('a plan with a wrong keyPassword is told the one it gave is wrong', async () => {
    const e = await keyPasswordError('not-the-key-pass');
    expect(e.code).toBe('KEY_PASSWORD');
    expect(e.message).toBe(`keystore "two" (for tls): the key password given for "server" in ${SEC}/two.jks is wrong`);
    expect(e.message).not.toContain('not-the-key-pass');
  });
});

describe('tls on a toml home whose https transports follow [keystore.tls]', () => {
  async function tlsWith(fx: string) {
    const home = copyHome(fx);
    writeFileSync(join(home, SEC, 'many.jks'), withManyKeys(2));
    const plan = parsePlan(
      JSON.stringify({ version: 1, keystores: { many: { path: `${SEC}/many.jks`, type: 'JKS', password: { env: 'MANY_PASS' }, alias: 'key02' } }, functions: { tls: 'many' } }),
    );
    return buildChangeSet(detectHome(home), plan, { MANY_PASS: 'wso2carbon' });
  }

  it('APIM 3.2.0 (its gateway transports read [keystore.tls]): the two-key warning, for tls', async () => {
    const cs = await tlsWith('apim-3.2.0');
    expect(cs.warnings.join('\n')).toContain(`keystore "many" (for tls, which the https transports follow): axis2's https transports name no alias, and it holds 2 private keys (key01, key02)`);
  });

  it('IS 5.11.0 (no active https transport): no such warning', async () => {
    const cs = await tlsWith('is-5.11.0');
    expect(cs.warnings.join('\n')).not.toMatch(/name no alias/);
  });
});

describeWithKeytool('tls on a JKS whose other keys have other key passwords', () => {
  // Java's SunX509 key manager (Tomcat 7 in 4.4.x products, the https transports) recovers every key
  // of the file with the one key password: HTTPS fails at start with "Cannot recover key".
  async function tlsOn(k1Pass: string) {
    const home = copyHome('ei-6.2.0');
    const file = join(tmpDir('mixed'), 'mixed.jks');
    genKeyPair({ file, storeType: 'JKS', storePass: 'mixpass1', keyPass: k1Pass, alias: 'k1' });
    genKeyPair({ file, storeType: 'JKS', storePass: 'mixpass1', keyPass: 'bbbbbb2', alias: 'k2' });
    writeFileSync(join(home, SEC, 'mixed.jks'), readFileSync(file));
    const plan = parsePlan(
      JSON.stringify({
        version: 1,
        keystores: { m: { path: `${SEC}/mixed.jks`, password: { env: 'M' }, alias: 'k2', keyPassword: { env: 'MK' } } },
        functions: { tls: 'm' },
      }),
    );
    return buildChangeSet(detectHome(home), plan, { M: 'mixpass1', MK: 'bbbbbb2' });
  }

  it('is applied with a warning naming the key that would not open', async () => {
    const cs = await tlsOn('aaaaaa1');
    expect(cs.warnings.join('\n')).toContain(`keystore "m" (for tls): k1 does not open with the key password of "k2". Java's SunX509 key manager`);
  });

  it('no warning when every key shares the password', async () => {
    const cs = await tlsOn('bbbbbb2');
    expect(cs.warnings.join('\n')).not.toMatch(/SunX509/);
  });
});

describeWithKeytool('--import-cert when the truststore password is in Secure Vault', () => {
  it('imports nothing, and says so with what to do instead', async () => {
    const home = copyHome('ei-6.2.0');
    cipherToolConfigure(home, 'conf');
    const file = join(tmpDir('vault-trust'), 'n.jks');
    genKeyPair({ file, storeType: 'JKS', storePass: 'newpass1', alias: 'newkey' });
    writeFileSync(join(home, SEC, 'n.jks'), readFileSync(file));
    const truststore = readFileSync(join(home, SEC, 'client-truststore.jks'));
    const plan = parsePlan(JSON.stringify({ version: 1, keystores: { n: { path: `${SEC}/n.jks`, password: { env: 'N' }, alias: 'newkey' } }, functions: { tls: 'n' } }));
    const cs = await buildChangeSet(detectHome(home), plan, { N: 'newpass1' }, { importCert: true });
    expect(cs.warnings.join('\n')).toMatch(/could not check the truststore repository\/resources\/security\/client-truststore\.jks .*Secure Vault\?\); so nothing was imported into it: import the certificate by hand \(keytool -importcert -keystore repository\/resources\/security\/client-truststore\.jks …\)/);
    expect(cs.files.some((f) => f.path.endsWith('client-truststore.jks'))).toBe(false);
    expect(readFileSync(join(home, SEC, 'client-truststore.jks')).equals(truststore)).toBe(true);
  });
});

/**
 * A key signed by the company CA is trusted by a truststore that holds the CA, as Java's PKIX
 * validation has it: the trust checks (the plan's, the keys left in service, verify) must not call
 * that "not in the truststore". And only keys others check the server by (primary, tls, axis2) are
 * looked for there: a keystore that only encrypts internal data is neither warned about nor
 * imported. Keystores and CA made with keytool.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chainExpiry, openKeystore, trustAnchorAt, trustsChain } from '../../src/keystore';
import { copyHome, ensureBuilt, runCli } from '../helpers/home';
import { describeWithKeytool, exportCert, genKeyPair, importTrusted, keytool, tmpDir } from '../helpers/keytool';

beforeAll(() => ensureBuilt());

const P = 'chain-pass-1';
const SEC = 'repository/resources/security';

/** A CA (basic constraints CA:true) in its own PKCS12; its certificate as a DER file. */
function makeCa(dir: string, name: string, dname = 'CN=Corp Issuing CA, O=Corp'): { store: string; certFile: string } {
  const store = join(dir, `${name}.p12`);
  genKeyPair({ file: store, storeType: 'PKCS12', storePass: P, alias: 'ca', dname, ext: ['bc:c'] });
  const certFile = join(dir, `${name}.der`);
  writeFileSync(certFile, exportCert(store, P, 'ca'));
  return { store, certFile };
}

/** `file` gets key `alias` whose certificate `ca` signed (chain: leaf, CA). */
function signedKey(file: string, alias: string, dname: string, ca: { store: string; certFile: string }): void {
  genKeyPair({ file, storeType: 'PKCS12', storePass: P, alias, dname });
  const dir = tmpDir('csr');
  const csr = join(dir, 'req.csr');
  const pem = join(dir, 'signed.pem');
  keytool(['-certreq', '-alias', alias, '-keystore', file, '-storepass', P, '-file', csr]);
  keytool(['-gencert', '-alias', 'ca', '-keystore', ca.store, '-storepass', P, '-infile', csr, '-outfile', pem, '-ext', 'ku=digitalSignature,keyEncipherment']);
  importTrusted(file, 'PKCS12', P, 'issuer', ca.certFile); // so keytool accepts the reply and builds the chain
  keytool(['-importcert', '-noprompt', '-alias', alias, '-keystore', file, '-storepass', P, '-file', pem]);
  keytool(['-delete', '-alias', 'issuer', '-keystore', file, '-storepass', P]);
}

/** A truststore (PKCS12) holding the given certificates. */
function truststore(file: string, certs: Array<[string, string]>): string {
  for (const [alias, certFile] of certs) importTrusted(file, 'PKCS12', P, alias, certFile);
  return file;
}

/** A plan file beside the home: `{ version: 1, …body }`. */
function writePlan(home: string, name: string, body: object): string {
  const file = join(home, '..', `${name}.json`);
  writeFileSync(file, JSON.stringify({ version: 1, ...body }));
  return file;
}

/**
 * carbon-kernel-4.4.26 with server.p12 (key "server", made by the caller) for tls and a new
 * truststore holding the CA and the stock wso2carbon certificate (still in service for primary).
 */
function tlsWithCorpTrust(server: (at: string) => void, caCertFile: string): { home: string; plan: string } {
  const home = copyHome('carbon-kernel-4.4.26');
  server(join(home, SEC, 'server.p12'));
  const wso2 = join(tmpDir('wso2cert'), 'wso2carbon.der');
  writeFileSync(wso2, exportCert(join(home, SEC, 'wso2carbon.jks'), 'wso2carbon', 'wso2carbon'));
  truststore(join(home, SEC, 'corp-trust.p12'), [['corp-ca', caCertFile], ['wso2carbon', wso2]]);
  const plan = writePlan(home, 'plan-tls', {
    keystores: { server: { path: `${SEC}/server.p12`, password: { env: 'SP' } }, trust: { path: `${SEC}/corp-trust.p12`, password: { env: 'SP' } } },
    functions: { tls: 'server', truststore: 'trust' },
  });
  return { home, plan };
}

describeWithKeytool('trustsChain: a trust anchor for the chain, as PKIX finds one', () => {
  let dir: string;
  let ca: { store: string; certFile: string };
  let leafOnly: ReturnType<typeof openKeystore>['entries'][number]['chain'];
  let fullChain: typeof leafOnly;
  beforeAll(() => {
    dir = tmpDir('chain');
    ca = makeCa(dir, 'ca');
    const server = join(dir, 'server.p12');
    signedKey(server, 'server', 'CN=server.corp.example, O=Corp', ca);
    const entry = openKeystore(readFileSync(server), { password: P }).entries.find((e) => e.alias === 'server')!;
    fullChain = entry.chain;
    leafOnly = entry.chain.slice(0, 1);
  });
  const open = (file: string) => openKeystore(readFileSync(file), { password: P });

  test('the CA in the truststore: trusted, with the chain the keystore holds and with the leaf alone (checked by signature)', () => {
    expect(fullChain.map((c) => c.subject)).toEqual(['CN=server.corp.example, O=Corp', 'CN=Corp Issuing CA, O=Corp']);
    const corp = open(truststore(join(dir, 'corp.p12'), [['corp-ca', ca.certFile]]));
    expect(trustsChain(corp, fullChain)).toBe(true);
    expect(trustsChain(corp, leafOnly)).toBe(true);
  });

  test('a CA with the same name but another key does not count; nor does an unrelated truststore', () => {
    const impostor = makeCa(dir, 'impostor'); // same DN, its own key
    const fake = open(truststore(join(dir, 'fake.p12'), [['corp-ca', impostor.certFile]]));
    expect(trustsChain(fake, leafOnly)).toBe(false);
    const other = makeCa(dir, 'other', 'CN=Other CA');
    const unrelated = open(truststore(join(dir, 'other-trust.p12'), [['other', other.certFile]]));
    expect(trustsChain(unrelated, fullChain)).toBe(false);
  });
});

describeWithKeytool('apply and verify with a CA-signed key and a truststore of company CAs (carbon-kernel-4.4.26)', () => {
  let home: string;
  let plan: string;
  beforeAll(() => {
    const ca = makeCa(tmpDir('corp'), 'ca');
    ({ home, plan } = tlsWithCorpTrust((at) => signedKey(at, 'server', 'CN=server.corp.example, O=Corp', ca), ca.certFile));
  });

  test('the dry run has no trust warning, and --import-cert imports nothing', () => {
    const r = runCli(['apply', '--plan', plan, home, '--dry-run', '--json', '--import-cert'], { env: { SP: P } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.warnings.join('\n')).not.toMatch(/not in the (new )?truststore/);
    expect(out.files.map((f: { path: string }) => f.path)).not.toContain(`${SEC}/corp-trust.p12`);
  });

  test('applied, verify finds tls trusted too', () => {
    expect(runCli(['apply', '--plan', plan, home, '--yes'], { env: { SP: P } }).code).toBe(0);
    const v = runCli(['verify', home, '--json']);
    const tls = JSON.parse(v.stdout).checks.filter((l: { function: string }) => l.function === 'tls');
    expect(tls.length).toBeGreaterThan(0);
    for (const l of tls) expect(l.warnings.join('\n')).not.toMatch(/not in the truststore/);
  });
});

describeWithKeytool('the truststore check leaves out a keystore that only encrypts internal data, and checks another key of a planned file', () => {
  test('IS 5.11.0, primary moved with internal kept on wso2carbon.jks: no warning about it, nothing imported', () => {
    const home = copyHome('is-5.11.0');
    const dir = tmpDir('is-pin');
    genKeyPair({ file: join(home, SEC, 'new.jks'), storeType: 'JKS', storePass: P, alias: 'newkey', dname: 'CN=new.example.com' });
    const newCert = join(dir, 'new.der');
    writeFileSync(newCert, exportCert(join(home, SEC, 'new.jks'), P, 'newkey'));
    truststore(join(home, SEC, 'corp-trust.p12'), [['newkey', newCert]]);
    const plan = writePlan(home, 'plan-pin', {
      keystores: {
        n: { path: `${SEC}/new.jks`, password: { env: 'SP' }, alias: 'newkey' },
        old: { path: `${SEC}/wso2carbon.jks`, password: { env: 'OP' }, alias: 'wso2carbon', allowExpired: true },
        t: { path: `${SEC}/corp-trust.p12`, password: { env: 'SP' } },
      },
      functions: { primary: 'n', internal: 'old', truststore: 't' },
    });
    const r = runCli(['apply', '--plan', plan, home, '--dry-run', '--json', '--import-cert'], { env: { SP: P, OP: 'wso2carbon' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.warnings.join('\n')).not.toMatch(/not in the (new )?truststore|expired/); // tls follows primary to new.jks; the kept key only encrypts
    expect(out.files.map((f: { path: string }) => f.path)).not.toContain(`${SEC}/corp-trust.p12`);
  });

  test('APIM 3.2.0, primary moved to a second key of wso2carbon.jks: tls keeps the first one, which the new truststore lacks', () => {
    const home = copyHome('apim-3.2.0');
    const dir = tmpDir('same-file');
    const ks = join(home, SEC, 'wso2carbon.jks');
    keytool(['-genkeypair', '-keystore', ks, '-storepass', 'wso2carbon', '-keypass', 'wso2carbon', '-alias', 'newkey', '-dname', 'CN=newkey.corp', '-keyalg', 'RSA', '-keysize', '2048']);
    const newCert = join(dir, 'newkey.der');
    writeFileSync(newCert, exportCert(ks, 'wso2carbon', 'newkey'));
    truststore(join(home, SEC, 'ct.p12'), [['newkey', newCert]]);
    const plan = writePlan(home, 'plan-same', {
      keystores: { ks: { path: `${SEC}/wso2carbon.jks`, password: { env: 'OP' }, alias: 'newkey' }, t: { path: `${SEC}/ct.p12`, password: { env: 'SP' } } },
      functions: { primary: 'ks', truststore: 't' },
      confirmInternalKeystoreChange: true,
    });
    const r = runCli(['apply', '--plan', plan, home, '--dry-run', '--json'], { env: { SP: P, OP: 'wso2carbon' } });
    expect(r.code).toBe(0);
    const w = JSON.parse(r.stdout).warnings.filter((x: string) => /stays in service/.test(x));
    expect(w).toEqual([expect.stringMatching(/^the certificate of "wso2carbon" in repository\/resources\/security\/wso2carbon\.jks .* stays in service for tls \(repository\/conf\/deployment\.toml:\d+\), is not in the new truststore/)]);
  });
});

describeWithKeytool('chains through an intermediate CA: the anchor PKIX finds, and the dates below it', () => {
  let dir: string;
  const open = (file: string) => openKeystore(readFileSync(file), { password: P });
  /** root → int → server, signed with keytool; the server's key entry holds [server, int, root]. */
  function pki(name: string, intDates: string[] = []) {
    const d = join(dir, name);
    const root = makeCa(tmpDir(`${name}-root`), 'root', 'CN=QA Root CA, O=QA');
    const int = join(tmpDir(`${name}-int`), 'int.p12');
    genKeyPair({ file: int, storeType: 'PKCS12', storePass: P, alias: 'ca', dname: 'CN=QA Issuing CA, O=QA', ext: ['bc:c'] });
    const sign = (from: string, file: string, alias: string, dates: string[], ext: string) => {
      const t = tmpDir('sign');
      keytool(['-certreq', '-alias', alias, '-keystore', file, '-storepass', P, '-file', join(t, 'r.csr')]);
      keytool(['-gencert', '-alias', 'ca', '-keystore', from, '-storepass', P, '-infile', join(t, 'r.csr'), '-outfile', join(t, 's.pem'), '-ext', ext, ...dates]);
      return join(t, 's.pem');
    };
    importTrusted(int, 'PKCS12', P, 'root', root.certFile);
    keytool(['-importcert', '-noprompt', '-alias', 'ca', '-keystore', int, '-storepass', P, '-file', sign(root.store, int, 'ca', intDates, 'bc:c')]);
    const intCert = join(tmpDir('intcert'), 'int.der');
    writeFileSync(intCert, exportCert(int, P, 'ca'));
    const server = `${d}-server.p12`;
    genKeyPair({ file: server, storeType: 'PKCS12', storePass: P, alias: 'server', dname: 'CN=localhost, O=QA' });
    importTrusted(server, 'PKCS12', P, 'root', root.certFile);
    importTrusted(server, 'PKCS12', P, 'int', intCert);
    keytool(['-importcert', '-noprompt', '-alias', 'server', '-keystore', server, '-storepass', P, '-file', sign(int, server, 'server', [], 'ku=digitalSignature,keyEncipherment')]);
    keytool(['-delete', '-alias', 'root', '-keystore', server, '-storepass', P]);
    keytool(['-delete', '-alias', 'int', '-keystore', server, '-storepass', P]);
    const chain = open(server).entries.find((e) => e.alias === 'server')!.chain;
    return { root, intCert, server, chain };
  }
  /** The intermediate expired a year and eleven months ago; root and server are valid. */
  let expired: ReturnType<typeof pki>;
  beforeAll(() => {
    dir = tmpDir('int-chain');
    expired = pki('expired', ['-startdate', '-2y', '-validity', '30']);
  });

  test('an expired intermediate below the root anchor is named; with the intermediate itself trusted, it is the anchor and nothing is', () => {
    const { root, intCert, chain } = expired;
    expect(chain.map((c) => c.subject)).toEqual(['CN=localhost, O=QA', 'CN=QA Issuing CA, O=QA', 'CN=QA Root CA, O=QA']);
    const byRoot = open(truststore(join(dir, 'root-only.p12'), [['root', root.certFile]]));
    expect(trustAnchorAt(byRoot, chain)).toBe(2);
    expect(chainExpiry(chain, 2, new Date())).toEqual([expect.stringMatching(/^its chain's CA certificate CN=QA Issuing CA, O=QA expired on \d{4}-\d\d-\d\d: clients that validate the chain refuse it/)]);
    const byInt = open(truststore(join(dir, 'int-only.p12'), [['int', intCert]]));
    expect(trustAnchorAt(byInt, chain)).toBe(1); // Java takes a trusted certificate as the anchor without checking its dates
    expect(chainExpiry(chain, 1, new Date())).toEqual([]);
  });

  test('a root renewed with the same key (keytool -selfcert) anchors a chain that holds the old one', () => {
    const { root, chain } = pki('renewed');
    keytool(['-selfcert', '-alias', 'ca', '-keystore', root.store, '-storepass', P, '-validity', '7300']);
    const renewed = join(dir, 'renewed-root.der');
    writeFileSync(renewed, exportCert(root.store, P, 'ca'));
    expect(readFileSync(renewed).equals(readFileSync(root.certFile))).toBe(false);
    const ts = open(truststore(join(dir, 'renewed-trust.p12'), [['root', renewed]]));
    expect(trustAnchorAt(ts, chain)).toBe(2); // the old root's fingerprint is not there; its key is
  });

  test('apply warns about the expired intermediate, and verify fails tls on it', () => {
    const { root, server } = expired;
    const { home, plan } = tlsWithCorpTrust((at) => writeFileSync(at, readFileSync(server)), root.certFile);
    const dry = JSON.parse(runCli(['apply', '--plan', plan, home, '--dry-run', '--json'], { env: { SP: P } }).stdout);
    expect(dry.warnings).toContainEqual(expect.stringMatching(/^keystore "server" \(server\): its chain's CA certificate CN=QA Issuing CA, O=QA expired on /));
    expect(dry.warnings.join('\n')).not.toMatch(/not in the (new )?truststore/);
    expect(runCli(['apply', '--plan', plan, home, '--yes'], { env: { SP: P } }).code).toBe(0);
    const v = runCli(['verify', home, '--json']);
    expect(v.code).toBe(1);
    const tls = JSON.parse(v.stdout).checks.filter((l: { function: string }) => l.function === 'tls');
    expect(tls.length).toBeGreaterThan(0);
    for (const l of tls) {
      expect(l.ok).toBe(false);
      expect(l.warnings.join('\n')).toMatch(/QA Issuing CA, O=QA expired on/);
    }
  });
});

describeWithKeytool('a plan that keeps internal encryption on the stock, expired wso2carbon.jks needs no allowExpired', () => {
  test('IS 5.11.0: primary moves, internal stays; not refused, no expiry warning', () => {
    const home = copyHome('is-5.11.0');
    genKeyPair({ file: join(home, SEC, 'new.jks'), storeType: 'JKS', storePass: P, alias: 'newkey' });
    const plan = writePlan(home, 'plan-keep', {
      keystores: { n: { path: `${SEC}/new.jks`, password: { env: 'SP' }, alias: 'newkey' }, old: { path: `${SEC}/wso2carbon.jks`, password: { env: 'OP' }, alias: 'wso2carbon' } },
      functions: { primary: 'n', internal: 'old' },
    });
    const r = runCli(['apply', '--plan', plan, home, '--dry-run', '--json'], { env: { SP: P, OP: 'wso2carbon' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).warnings.join('\n')).not.toMatch(/expired/);
  });
});

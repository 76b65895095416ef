/**
 * Patchers on real files, in memory: each edit replaces exactly the old value (after === before with
 * the value swapped), and shapes that only some releases have are covered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KsError } from '../../src/errors';
import { internalKeystoreChange } from '../../src/changes/plan-changes';
import { patchCarbonXml, readCarbonXml } from '../../src/edit/carbon';
import { patchCatalina, readCatalina } from '../../src/edit/catalina';
import { findProperty, readProperties, setProperty } from '../../src/edit/properties';
import { patchSecPolicy } from '../../src/edit/sec-policy';
import type { KeystoreTarget } from '../../src/edit/types';
import { decodeText } from '../../src/text/codec';
import { applyEdits } from '../../src/text/patcher';
import { parseXml } from '../../src/xml/document';
import { FIXTURES } from '../helpers/home';

const read = (rel: string) => decodeText(readFileSync(join(FIXTURES, rel)), rel);
const ctxOf = (rel: string) => {
  const { text, encoding } = read(rel);
  return { text, ctx: { doc: parseXml(text, rel), encoding, file: rel } };
};

const target = (over: Partial<KeystoreTarget> = {}): KeystoreTarget => ({
  name: 'newks',
  absPath: '/opt/wso2/repository/resources/security/new.p12',
  homeRelPath: 'repository/resources/security/new.p12',
  type: 'PKCS12',
  password: 'st&re"pw',
  alias: 'newkey',
  keyPassword: 'st&re"pw',
  keyEntryCount: 1,
  ...over,
});

describe('catalina-server.xml, SSLHostConfig/Certificate shape (kernel 4.6.1)', () => {
  const rel = 'carbon-kernel-4.6.1/repository/conf/tomcat/catalina-server.xml';

  test('changes the Certificate attributes in place and nothing else', () => {
    const { text, ctx } = ctxOf(rel);
    const { edits } = patchCatalina(ctx, { tls: target() });
    const after = applyEdits(text, edits);
    const expected = text
      .replace('certificateKeystoreFile="${carbon.home}/repository/resources/security/wso2carbon.jks"', 'certificateKeystoreFile="${carbon.home}/repository/resources/security/new.p12"')
      .replace('certificateKeystorePassword="wso2carbon"', 'certificateKeystorePassword="st&amp;re&quot;pw"')
      .replace('certificateKeystoreType="JKS"', 'certificateKeystoreType="PKCS12"')
      .replace('certificateKeyAlias="wso2carbon"', 'certificateKeyAlias="newkey"')
      .replace('certificateKeyPassword="wso2carbon"', 'certificateKeyPassword="st&amp;re&quot;pw"');
    expect(after).toBe(expected);
    const now = readCatalina(parseXml(after, rel)).find((s) => s.function === 'tls')!;
    expect(now).toMatchObject({ location: '${carbon.home}/repository/resources/security/new.p12', password: 'st&re"pw', type: 'PKCS12', alias: 'newkey' });
  });

  test('truststore: SSLHostConfig truststoreFile/Password/Type', () => {
    const { text, ctx } = ctxOf(rel);
    const { edits } = patchCatalina(ctx, { truststore: target({ homeRelPath: null, absPath: '/etc/pki/trust.p12', password: 'tr' }) });
    expect(applyEdits(text, edits)).toBe(
      text
        .replace('truststoreFile="${carbon.home}/repository/resources/security/client-truststore.jks"', 'truststoreFile="/etc/pki/trust.p12"')
        .replace('truststorePassword="wso2carbon"', 'truststorePassword="tr"')
        .replace('truststoreType="JKS"', 'truststoreType="PKCS12"'),
    );
  });
});

describe('catalina-server.xml, Connector attribute shape (4.4.x)', () => {
  const rel = 'carbon-kernel-4.4.26/repository/conf/tomcat/catalina-server.xml';

  test('adds keyPass only when the key password differs, keyAlias only when the keystore has several keys', () => {
    const { text, ctx } = ctxOf(rel);
    const same = applyEdits(text, patchCatalina(ctx, { tls: target({ type: 'JKS' }) }).edits);
    expect(same).not.toMatch(/keyPass=|keyAlias=|keystoreType=/);
    const differs = applyEdits(text, patchCatalina(ctx, { tls: target({ type: 'JKS', keyPassword: 'other', keyEntryCount: 2 }) }).edits);
    expect(differs).toMatch(/\n {19}keyAlias="newkey"\n {19}keyPass="other"\/>/);
  });
});

describe('carbon.xml', () => {
  test('4.4.40 has InternalKeyStore and CryptoService: edited in place, nothing inserted', () => {
    const rel = 'carbon-kernel-4.4.40/repository/conf/carbon.xml';
    const { text, ctx } = ctxOf(rel);
    const r = patchCarbonXml(ctx, { internal: target() });
    expect(r.edits.every((e) => !e.note)).toBe(true);
    const after = applyEdits(text, r.edits);
    expect(after.length - text.length).toBe(r.edits.reduce((n, e) => n + e.text.length - (e.end - e.start), 0));
    const c = readCarbonXml(parseXml(after, rel));
    expect(c.internal).toMatchObject({ location: '${carbon.home}/repository/resources/security/new.p12', type: 'PKCS12', alias: 'newkey', password: 'st&re"pw' });
    expect(c.primary).toMatchObject({ location: '${carbon.home}/repository/resources/security/wso2carbon.jks', alias: 'wso2carbon' });
    expect(c.cryptoService).toBe(true);
  });

  test('an ISO-8859-1 carbon.xml gets character references for what Latin-1 cannot hold', () => {
    const rel = 'is-5.5.0/repository/conf/carbon.xml';
    const { text, ctx, } = ctxOf(rel);
    expect(ctx.encoding).toBe('latin1');
    const after = applyEdits(text, patchCarbonXml(ctx, { primary: target({ password: 'pässwörd€' }) }).edits);
    expect(after).toContain('<Password>pässwörd&#x20AC;</Password>');
    expect(readCarbonXml(parseXml(after, rel)).primary?.password).toBe('pässwörd€');
  });

  test('a duplicated Security/KeyStore is refused with the line of the second one', () => {
    const rel = 'is-5.5.0/repository/conf/carbon.xml';
    const { text } = read(rel);
    const dup = text.replace('</KeyStore>', '</KeyStore><KeyStore><Location>x</Location></KeyStore>');
    const doc = parseXml(dup, rel);
    let err: unknown;
    try {
      patchCarbonXml({ doc, encoding: 'latin1', file: rel }, { primary: target() });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KsError);
    expect((err as KsError).code).toBe('XML_AMBIGUOUS');
    expect((err as KsError).line).toBeGreaterThan(1);
  });

  test('the internal-encryption guard: which plans move the internal keystore', () => {
    const c40 = readCarbonXml(ctxOf('carbon-kernel-4.4.40/repository/conf/carbon.xml').ctx.doc);
    const c26 = readCarbonXml(ctxOf('carbon-kernel-4.4.26/repository/conf/carbon.xml').ctx.doc);
    // 4.4.40 has its own InternalKeyStore: a new primary does not move it.
    expect(internalKeystoreChange(c40, { primary: target() })).toBeNull();
    expect(internalKeystoreChange(c40, { internal: target() })).not.toBeNull();
    // 4.4.26 has none: the primary keystore encrypts internal data, so a new primary moves it.
    expect(internalKeystoreChange(c26, { primary: target() })).not.toBeNull();
    // Setting internal to the keystore already in use is not a move.
    const same = target({ homeRelPath: 'repository/resources/security/wso2carbon.jks', alias: 'wso2carbon' });
    expect(internalKeystoreChange(c26, { internal: same })).toBeNull();
  });
});

describe('sec.policy', () => {
  const rel = 'ei-6.2.0/conf/sec.policy';
  test('only the keystore URL, its type and the signedBy alias change; comments are never touched', () => {
    const { text } = read(rel);
    const src = `// keystore "file:/commented.jks", "JKS";\n/* grant signedBy "x" { }; */\n${text}`;
    const { edits } = patchSecPolicy(src, rel, target({ alias: 'new"key' }));
    const after = applyEdits(src, edits);
    expect(after).toBe(
      src
        .replace('keystore "file:${user.dir}/repository/resources/security/wso2carbon.jks", "JKS";', 'keystore "file:${user.dir}/repository/resources/security/new.p12", "PKCS12";')
        .replace('grant signedBy "wso2carbon" {', 'grant signedBy "new\\"key" {'),
    );
  });

  test('a keystore outside HOME is written as an absolute file: URL', () => {
    const { text } = read(rel);
    const after = applyEdits(text, patchSecPolicy(text, rel, target({ homeRelPath: null, absPath: '/etc/pki/k.p12' })).edits);
    expect(after.split('\n')[0]).toBe('keystore "file:/etc/pki/k.p12", "PKCS12";');
  });
});

describe('.properties', () => {
  const text = '# a comment\r\n\r\nk1=a\\u00e9\r\n  k2 : b\r\n! another\r\nk1=second\r\n';
  it('reads every key/value line with its line number, value unescaped', () => {
    expect(readProperties(text).map((p) => [p.key, p.raw, p.value, p.line, text.slice(p.valueStart, p.valueEnd)])).toEqual([
      ['k1', 'a\\u00e9', 'aé', 3, 'a\\u00e9'],
      ['k2', 'b', 'b', 4, 'b'],
      ['k1', 'second', 'second', 6, 'second'],
    ]);
  });
  it('finds and sets the first line of a key', () => {
    const f = findProperty(text, 'k1')!;
    expect(text.slice(f.valueStart, f.valueEnd)).toBe('a\\u00e9');
    expect(findProperty(text, 'k3')).toBeUndefined();
    expect(setProperty(text, 'k1', 'x')).toMatchObject({ start: f.valueStart, end: f.valueEnd, text: 'x', line: 3, from: 'a\\u00e9' });
  });
});

/**
 * maskPasswords on real WSO2 files: every password-bearing value is masked, by position, and
 * nothing else changes, so a diff of two masked texts shows the other changes and no password.
 * The files are fixture files with their passwords replaced by a unique marker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileDiff } from '../../src/preview/diff';
import { MASK, maskPasswords } from '../../src/preview/mask';
import { FIXTURES } from '../helpers/home';

const SECRET = 'Old5ecret9';
const fixture = (rel: string) => readFileSync(join(FIXTURES, rel), 'utf8');
/** The text with every `wso2carbon` that is a password (not a file name or an alias) replaced by SECRET. */
const withSecret = (text: string, re: RegExp) => text.replace(re, (m) => m.replace('wso2carbon', SECRET));
/** Lines that differ between the text and its masked copy. */
const maskedLines = (text: string, masked: string) => {
  const a = text.split('\n');
  const b = masked.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((l, i) => (l === b[i] ? [] : [i + 1]));
};

describe('maskPasswords', () => {
  it("APIM 2.2.0's axis2.xml_PT is XML: its passwords are masked, in commented-out blocks too", () => {
    const rel = 'repository/conf/axis2/axis2.xml_PT';
    const text = withSecret(fixture(`apim-2.2.0/${rel}`), /<(Password|KeyPassword)>wso2carbon</g);
    expect(text).toContain(SECRET);
    const masked = maskPasswords(rel, text);
    expect(masked).not.toContain(SECRET);
    expect(masked).toContain(`<Password>${MASK}</Password>`);
    // Only the password lines: locations, types and aliases stay readable.
    const lines = maskedLines(text, masked);
    expect(lines.length).toBeGreaterThan(0);
    // (and the mail transport's <parameter name="mail.smtp.password">, a password too)
    for (const n of lines) expect(text.split('\n')[n - 1]).toMatch(new RegExp(`${SECRET}|name="mail\\.smtp\\.password"`));
    expect(masked).toContain('wso2carbon.jks');
  });

  it('in a comment: password elements and attributes are masked, the rest of the comment is not', () => {
    const text = `<?xml version="1.0"?>\n<c>\n  <!-- <KeyStore><Location>a.jks</Location>\n  <Password>${SECRET}</Password></KeyStore>\n  <Connector keystorePass="${SECRET}" keystoreFile="a.jks"/>\n  <parameter name="x.store.pass">${SECRET}</parameter> -->\n</c>\n`;
    expect(maskPasswords('conf/a.xml', text)).toBe(text.split(SECRET).join(MASK));
  });

  it('in a comment: the value of an element whose name or key attribute names a password', () => {
    const text = `<?xml version="1.0"?>\n<c>\n  <!-- <Property name="TrustStorePassword" value="${SECRET}"/>\n  <add key="db.password" value='${SECRET}'/>\n  <Property name="TrustStoreLocation" value="a.jks"/> -->\n</c>\n`;
    expect(maskPasswords('conf/a.xml', text)).toBe(text.split(SECRET).join(MASK));
  });

  it('a <parameter name="…pass"> (the WSS inbound endpoint) is masked, its file and other parameters are not', () => {
    const rel = 'repository/deployment/server/synapse-configs/default/inbound-endpoints/SecureWebSocketInboundEndpoint.xml';
    const text = withSecret(fixture(`apim-2.2.0/${rel}`), /\.pass">wso2carbon</g);
    expect(text).toContain(SECRET);
    const masked = maskPasswords(rel, text);
    expect(masked).not.toContain(SECRET);
    expect(masked).toContain(`<parameter name="wss.ssl.key.store.pass">${MASK}</parameter>`);
    expect(masked).toContain('repository/resources/security/wso2carbon.jks');
    for (const n of maskedLines(text, masked)) expect(text.split('\n')[n - 1]).toMatch(/\.pass">/);
  });

  it('a Property whose name says password masks its value attribute', () => {
    const text = '<?xml version="1.0"?>\n<c>\n  <Property name="TrustStorePassword" value="' + SECRET + '"/>\n  <Property name="TrustStoreLocation" value="a.jks"/>\n</c>\n';
    const masked = maskPasswords('conf/some.xml', text);
    expect(masked).toBe(text.replace(SECRET, MASK));
  });

  it('EndpointConfig.properties: only the password keys are masked, so the path changes stay visible', () => {
    const rel = 'repository/conf/identity/EndpointConfig.properties';
    const text = withSecret(fixture(`apim-2.2.0/${rel}`), /Password=wso2carbon/g);
    const masked = maskPasswords(rel, text);
    expect(masked).not.toContain(SECRET);
    expect(masked).toContain(`Carbon.Security.KeyStore.Password=${MASK}`);
    expect(masked).toContain('client.keyStore=./repository/resources/security/wso2carbon.jks');
    expect(masked).toContain('mutual.ssl.username=admin');
    expect(maskedLines(text, masked)).toHaveLength(2);
    expect(maskPasswords(rel, `key.passphrase=${SECRET}\n`)).toBe(`key.passphrase=${MASK}\n`);
  });

  it('cipher-text.properties: every value is a secret, every one is masked', () => {
    const rel = 'repository/conf/security/cipher-text.properties';
    const text = fixture(`apim-2.2.0/${rel}`);
    expect(text).toContain('\r\n'); // CRLF, as shipped: the line ends stay
    const masked = maskPasswords(rel, text).split('\r').join('');
    const values = text.split('\n').filter((l) => /^[^#!\s][^=]*=.+/.test(l));
    expect(values.length).toBeGreaterThan(3);
    expect(masked.split('\n').filter((l) => /^[^#!\s][^=]*=.+/.test(l)).every((l) => l.endsWith(`=${MASK}`))).toBe(true);
  });
});

describe('a file whose only change is a password', () => {
  it('the diff says so instead of printing a header with nothing under it', () => {
    const rel = 'repository/conf/carbon.xml';
    const before = Buffer.from(withSecret(fixture(`carbon-kernel-4.4.26/${rel}`), /<Password>wso2carbon</));
    const after = Buffer.from(before.toString('latin1').replace(SECRET, 'N3w-pass'), 'latin1');
    const out = fileDiff({ path: rel, before, after, changes: [], notes: [] }, { color: false });
    expect(out.split('\n')).toEqual([`--- a/${rel}\t`, `+++ b/${rel}\t`, '  (only passwords change in this file, and they are masked)', '']);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain('N3w-pass');
  });
});

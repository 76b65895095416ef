import { parse } from 'smol-toml';
import { applyEdits } from '../../../src/text/patcher';
import { getTomlValue, scanToml } from '../../../src/edit/toml/scan';
import { isSecretRef, setSecret } from '../../../src/edit/toml/secrets';
import { setTomlValues } from '../../../src/edit/toml/set';
import { dig, readFixture } from './helpers';

const VAULTED = [
  '[keystore.primary]',
  'file_name = "wso2carbon.jks"',
  'password = "$secret{keystore_password}"',
  'key_password = "$secret{keystore_password}"',
  '',
  '[secrets]',
  'keystore_password = "[wso2carbon]"',
  'admin_password = "mC4c3J...encrypted=="',
  '',
].join('\n');

describe('isSecretRef', () => {
  it.each([
    ['$secret{keystore_password}', 'keystore_password'],
    [' $secret{a.b} ', 'a.b'],
    ['$secret{}', null],
    ['$ref{keystore.primary.password}', null],
    ['wso2carbon', null],
    ['x$secret{a}', null],
    ['$secret{a}x', null],
  ])('%j → %j', (value, alias) => {
    expect(isSecretRef(value)).toBe(alias);
  });
});

describe('$secret{} values are never replaced by clear passwords', () => {
  it('throws SECRET_REFERENCE with the line, by default', () => {
    expect(() => setTomlValues(VAULTED, 'keystore.primary', { password: 'new' }, { file: 'deployment.toml' })).toThrow(
      expect.objectContaining({ code: 'SECRET_REFERENCE', line: 3, file: 'deployment.toml' }),
    );
  });

  it('with onSecretRef: skip, leaves them and says so (without the value)', () => {
    const r = setTomlValues(VAULTED, 'keystore.primary', { file_name: 'new.jks', password: 'new', key_password: 'new' }, { onSecretRef: 'skip' });
    expect(applyEdits(VAULTED, r.edits)).toBe(VAULTED.replace('wso2carbon.jks', 'new.jks'));
    expect(r.notes).toEqual([
      '[keystore.primary].password (line 3) is a Secure Vault reference; left unchanged',
      '[keystore.primary].key_password (line 4) is a Secure Vault reference; left unchanged',
    ]);
    expect(r.notes.join()).not.toContain('new');
  });

  it('may replace a reference with another reference, and a clear value with a reference', () => {
    expect(applyEdits(VAULTED, setTomlValues(VAULTED, 'keystore.primary', { password: '$secret{other}' }).edits)).toBe(
      VAULTED.replace('password = "$secret{keystore_password}"', 'password = "$secret{other}"'),
    );
    const is = readFixture('is-5.11.0');
    const r = setTomlValues(is, 'keystore.primary', { password: '$secret{keystore_password}' });
    expect(r.changes).toEqual([
      { line: 32, offset: is.indexOf('"wso2carbon"', is.indexOf('[keystore.primary]')), setting: '[keystore.primary].password', from: 'wso2carbon', to: '$secret{keystore_password}', secret: true, added: false },
    ]);
  });
});

describe('setSecret', () => {
  it('updates the alias under [secrets] in place', () => {
    const r = setSecret(VAULTED, 'keystore_password', 'n3w"pw');
    const after = applyEdits(VAULTED, r.edits);
    expect(after).toBe(VAULTED.replace('keystore_password = "[wso2carbon]"', 'keystore_password = "[n3w\\"pw]"'));
    expect(dig(parse(after), ['secrets', 'keystore_password'])).toBe('[n3w"pw]');
    expect(r.changes).toEqual([
      { line: 7, offset: VAULTED.indexOf('"[wso2carbon]"'), setting: '[secrets].keystore_password', from: '[wso2carbon]', to: '[n3w"pw]', secret: true, added: false },
    ]);
    expect(setSecret(after, 'keystore_password', 'n3w"pw').edits).toEqual([]);
  });

  it('replaces an already encrypted value', () => {
    const after = applyEdits(VAULTED, setSecret(VAULTED, 'admin_password', 'adm').edits);
    expect(after).toBe(VAULTED.replace('admin_password = "mC4c3J...encrypted=="', 'admin_password = "[adm]"'));
  });

  it('adds the alias, and the [secrets] table when missing (at the end of a real file)', () => {
    const text = readFixture('carbon-kernel-4.6.1');
    const r = setSecret(text, 'keystore_password', 'pw');
    expect(applyEdits(text, r.edits)).toBe(`${text}\n[secrets]\nkeystore_password = "[pw]"\n`);
    expect(r.changes[0]).toMatchObject({ setting: '[secrets].keystore_password', secret: true, added: true });
  });

  it('combines with setTomlValues on the same original text: switch a file to Secure Vault', () => {
    const text = readFixture('is-5.11.0');
    const ref = setTomlValues(text, 'keystore.primary', { password: '$secret{keystore_password}', key_password: '$secret{keystore_password}' });
    const secret = setSecret(text, 'keystore_password', 'pw');
    const after = applyEdits(text, [...ref.edits, ...secret.edits]);
    const doc = scanToml(after);
    expect(isSecretRef(getTomlValue(doc, 'keystore.primary', 'password')!.value)).toBe('keystore_password');
    expect(getTomlValue(doc, 'secrets', 'keystore_password')?.value).toBe('[pw]');
  });
});

/** The plan file is a contract: every mistake is a PLAN_INVALID / PLAN_ENV_MISSING naming the key. */
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlan, planSecrets, resolveKeystorePath, resolveSecret } from '../../src/plan/plan';
import { codeAndMessage } from '../helpers/errors';

const good = {
  version: 1,
  keystores: {
    newks: { path: 'repository/resources/security/newks.jks', type: 'JKS', password: { env: 'NEWKS_PASS' }, alias: 'newkey', keyPassword: { env: 'NEWKEY_PASS' } },
    trust: { path: 'repository/resources/security/client-truststore.jks', password: 'wso2carbon' },
  },
  functions: { primary: 'newks', internal: 'newks', tls: 'newks', axis2: 'newks', secPolicy: 'newks', truststore: 'trust' },
  confirmInternalKeystoreChange: true,
};

const mutate = (f: (p: any) => void) => {
  const p = JSON.parse(JSON.stringify(good));
  f(p);
  return JSON.stringify(p);
};

test('the example plan from the issue parses', () => {
  const p = parsePlan(JSON.stringify(good));
  expect(p.functions).toEqual(good.functions);
  expect(p.keystores.newks.keyPassword).toEqual({ env: 'NEWKEY_PASS' });
  expect(p.confirmInternalKeystoreChange).toBe(true);
});

test.each([
  ['not JSON', '{"version": 1,', /PLAN_INVALID: the plan is not valid JSON/],
  ['an array', '[]', /must be a JSON object/],
  ['version 2', mutate((p) => (p.version = 2)), /"version" must be 1/],
  ['no version', mutate((p) => delete p.version), /PLAN_INVALID: "version": 1 is missing$/],
  ['unknown top-level key', mutate((p) => (p.functionz = {})), /unknown key "functionz" in the plan/],
  ['unknown keystore key', mutate((p) => (p.keystores.newks.passwd = 'x')), /unknown key "passwd" in keystores\.newks/],
  ['unknown function', mutate((p) => (p.functions.ssl = 'newks')), /unknown function "ssl"/],
  ['function names an unknown keystore', mutate((p) => (p.functions.tls = 'nope')), /functions\.tls names keystore "nope", which is not in "keystores"/],
  ['bad type', mutate((p) => (p.keystores.newks.type = 'JCEKS')), /keystores\.newks\.type must be "JKS" or "PKCS12"/],
  ['missing password', mutate((p) => delete p.keystores.newks.password), /keystores\.newks\.password is missing/],
  ['password of the wrong shape', mutate((p) => (p.keystores.newks.password = 42)), /keystores\.newks\.password must be a string or \{"env": "VARIABLE_NAME"\}$/],
  // The key is not named: it could be the password (test/plan/plan-secrets.test.ts).
  ['password object with a key other than env', mutate((p) => (p.keystores.newks.password = { file: '/x' })), /keystores\.newks\.password must be a string or \{"env": "VARIABLE_NAME"\}: it has a key other than "env" \(not named here/],
  ['empty password', mutate((p) => (p.keystores.newks.password = '')), /keystores\.newks\.password is empty/],
  ['primary without alias', mutate((p) => delete p.keystores.newks.alias), /serves "primary", which needs the key's "alias"/],
  ['empty functions', mutate((p) => (p.functions = {})), /"functions" is empty/],
  ['__proto__ as a keystore name', '{"version":1,"keystores":{"__proto__":{"path":"a","password":"x"}},"functions":{"tls":"__proto__"}}', /keystore name "__proto__" is not allowed/],
  ['__proto__ as a top-level key', '{"version":1,"__proto__":{"x":1},"keystores":{},"functions":{}}', /unknown key "__proto__"/],
  ['constructor as a function', mutate((p) => (p.functions.constructor = 'newks')), /unknown function "constructor"/],
  ['confirm that is not a boolean', mutate((p) => (p.confirmInternalKeystoreChange = 'yes')), /must be true or false/],
])('%s is refused with a message that names it', (_name, text, re) => {
  expect(codeAndMessage(() => parsePlan(text))).toMatch(re);
});

test('a syntax error names the line, never the text around it (an unquoted password)', () => {
  const text = '{"version": 1,\n"keystores": {"a": {"path": "a.jks",\n"password": s3cretpw, "alias": "k"}}, "functions": {"tls": "a"}}';
  const msg = codeAndMessage(() => parsePlan(text));
  expect(msg).toMatch(/^PLAN_INVALID: the plan is not valid JSON: .* on line 3/);
  expect(msg).not.toMatch(/s3cret|cretpw/);
  expect(codeAndMessage(() => parsePlan('{"a": s3cretpw}'))).not.toMatch(/s3cret/);
  expect(codeAndMessage(() => parsePlan('{"version": 1,\n"a" 1}'))).toMatch(/^PLAN_INVALID: the plan is not valid JSON: \w.* on line 2$/);
  // Text after the object (a second plan pasted below the first): the line, not a character position.
  expect(codeAndMessage(() => parsePlan('{"version": 1}\n\n}'))).toBe('PLAN_INVALID: the plan is not valid JSON: Unexpected non-whitespace character on line 3');
});

test('a missing environment variable names the key and the variable', () => {
  expect(codeAndMessage(() => resolveSecret({ env: 'NOPE_PASS' }, 'keystores.newks.password', {}))).toBe(
    'PLAN_ENV_MISSING: keystores.newks.password reads the environment variable NOPE_PASS, which is not set',
  );
  expect(resolveSecret({ env: 'X' }, 'k', { X: 's&<' })).toBe('s&<');
});

test('paths: relative inside HOME, absolute anywhere, never climbing out of HOME', () => {
  expect(resolveKeystorePath('/opt/wso2', 'repository/resources/security/a.jks')).toEqual({
    absPath: '/opt/wso2/repository/resources/security/a.jks',
    homeRelPath: 'repository/resources/security/a.jks',
  });
  expect(resolveKeystorePath('/opt/wso2', '/etc/pki/a.p12')).toEqual({ absPath: '/etc/pki/a.p12', homeRelPath: null });
  expect(resolveKeystorePath('/opt/wso2', '/opt/wso2/x/../a.p12')).toEqual({ absPath: '/opt/wso2/a.p12', homeRelPath: 'a.p12' });
  expect(codeAndMessage(() => resolveKeystorePath('/opt/wso2', '../other/a.jks'))).toMatch(/PLAN_INVALID: keystore path "..\/other\/a.jks" climbs out of HOME/);
  // A folder whose name starts with ".." is inside HOME, relative or absolute.
  expect(resolveKeystorePath('/opt/wso2', '..keys/a.p12')).toEqual({ absPath: '/opt/wso2/..keys/a.p12', homeRelPath: '..keys/a.p12' });
  expect(resolveKeystorePath('/opt/wso2', '/opt/wso2/..keys/a.p12')).toEqual({ absPath: '/opt/wso2/..keys/a.p12', homeRelPath: '..keys/a.p12' });
});

test('paths: HOME named through a symlink or as its real path decides "inside HOME" the same way', () => {
  // /opt/wso2 -> /opt/wso2is-5.11.0: `apply <link>` gets the link as HOME, `cd <link> && apply` the real
  // path (node's cwd). An absolute plan path written either way must give the same HOME-relative path.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'wso2-ks-plan-link-')));
  const real = join(dir, 'wso2is-5.11.0');
  const link = join(dir, 'wso2');
  mkdirSync(join(real, 'repository/resources/security'), { recursive: true });
  writeFileSync(join(real, 'repository/resources/security/a.jks'), '');
  symlinkSync(real, link);
  // A keystore linked into HOME from elsewhere is still named by its place in HOME.
  mkdirSync(join(dir, 'elsewhere'));
  writeFileSync(join(dir, 'elsewhere/b.jks'), '');
  symlinkSync(join(dir, 'elsewhere/b.jks'), join(real, 'repository/resources/security/b.jks'));

  for (const name of ['a.jks', 'b.jks', 'not-yet.jks']) {
    const rel = `repository/resources/security/${name}`;
    for (const home of [link, real]) {
      for (const p of [join(link, rel), join(real, rel)]) {
        expect({ home, p, ...resolveKeystorePath(home, p) }).toEqual({ home, p, absPath: p, homeRelPath: rel });
      }
    }
  }
  for (const home of [link, real]) {
    expect(resolveKeystorePath(home, join(dir, 'elsewhere/b.jks')).homeRelPath).toBeNull();
    // A relative path that leaves through the link and comes back in through the real folder is inside.
    expect(resolveKeystorePath(home, '../wso2is-5.11.0/repository/resources/security/a.jks').homeRelPath).toBe('repository/resources/security/a.jks');
  }
});

test('planSecrets lists the resolved passwords for redaction', () => {
  const p = parsePlan(JSON.stringify(good));
  expect(planSecrets(p, { NEWKS_PASS: 'one', NEWKEY_PASS: 'two' }).sort()).toEqual(['one', 'two', 'wso2carbon']);
});

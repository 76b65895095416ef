/**
 * The bad-input corpus (issue 6): hostile and broken input fed to the built CLI on a copy of a real
 * home (EI 6.2.0: apply touches carbon.xml, catalina-server.xml, three axis2 files and sec.policy).
 *
 * Every case asserts: the exit code; no crash (no "internal error", no stack trace, no signal); the
 * error code from --json and key words in the message (never the full wording); for failures, that
 * every file under HOME (including .wso2-keystore) has the same sha256 as before; and that no
 * password (as typed, XML-escaped or JSON-escaped) appears on stdout, stderr, or in any manifest.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithKeytool } from '../helpers/keytool';
import {
  ENV,
  KEY_PW,
  SECURITY,
  STORE_PW,
  WRONG_PW,
  basePlan,
  distIsBuilt,
  hashTree,
  jsonOf,
  leakedSecrets,
  makeHome,
  makeKeystores,
  manifests,
  runCli,
  writePlan,
  type CliResult,
  type Keystores,
} from './helpers';

interface Ctx {
  /** A temp folder holding `home` and the plan; removed after the case. */
  dir: string;
  home: string;
  plan: string;
  ks: Keystores;
}

interface Case {
  name: string;
  fixture?: string;
  /** The plan (object or raw text); default basePlan(). */
  plan?: unknown;
  setup?: (c: Ctx) => void;
  /** Default: apply --plan PLAN HOME --yes --json. */
  args?: (c: Ctx) => string[];
  env?: NodeJS.ProcessEnv;
  code: number | number[];
  /** The --json error code (a list: any of them). */
  error?: string | string[];
  /** Key words stderr must contain (case-insensitive regexes). */
  says?: RegExp[];
  /** For success cases: what must be true afterwards (files are then allowed to change). */
  check?: (c: Ctx, r: CliResult) => void;
  /** Files may change (success) but only these checks apply. */
  maxMs?: number;
}

const conf = (c: Ctx, rel: string) => path.join(c.home, 'conf', rel);
const edit = (file: string, fn: (s: string) => string) => fs.writeFileSync(file, fn(fs.readFileSync(file, 'latin1')), 'latin1');
const applyArgs = (c: Ctx) => ['apply', '--plan', c.plan, c.home, '--yes', '--json'];
/** basePlan() with some fields of its one keystore, newks, set to other values. */
const newksWith = (fields: Record<string, unknown>) => {
  const p = basePlan();
  Object.assign(p.keystores.newks, fields);
  return p;
};
const NEW_LOCATION = '${carbon.home}/repository/resources/security/new.jks';

function appliedCarbon(c: Ctx): string {
  return fs.readFileSync(conf(c, 'carbon.xml'), 'latin1');
}

function expectApplied(c: Ctx, r: CliResult) {
  expect(r.code).toBe(0);
  const j = jsonOf(r);
  expect(j?.changed).toBe(true);
  expect(typeof j?.backup).toBe('string');
  expect(manifests(c.home)).toHaveLength(1);
}

const BOMB =
  '<!DOCTYPE Server [\n<!ENTITY lol "lol">\n' +
  '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n' +
  Array.from({ length: 7 }, (_, i) => `<!ENTITY lol${i + 3} "${`&lol${i + 2};`.repeat(10)}">\n`).join('') +
  ']>\n';

const cases: Case[] = [
  // ---------------------------------------------------------------- config files
  {
    name: 'malformed XML in carbon.xml (a closing tag misspelt)',
    setup: (c) => edit(conf(c, 'carbon.xml'), (s) => s.replace('</KeyStore>', '</KeyStor>')),
    code: 1,
    error: 'XML_MALFORMED',
    says: [/carbon\.xml/, /malformed/i],
  },
  {
    name: 'XML bomb: DOCTYPE with nested entity declarations (billion laughs) in carbon.xml',
    setup: (c) => edit(conf(c, 'carbon.xml'), (s) => s.replace('<Server', `${BOMB}<Server`).replace('<Version>', '<Version>&lol9;')),
    code: 1,
    error: 'XML_MALFORMED',
    says: [/carbon\.xml/, /entit/i],
    maxMs: 10000,
  },
  {
    name: 'external entity (XXE) reading /etc/passwd in axis2.xml',
    setup: (c) =>
      edit(conf(c, 'axis2/axis2.xml'), (s) =>
        s.replace('<axisconfig', '<!DOCTYPE axisconfig [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<axisconfig').replace('</axisconfig>', '<x>&xxe;</x></axisconfig>'),
      ),
    code: 1,
    error: 'XML_MALFORMED',
    says: [/axis2\.xml/, /entit/i],
    check: (_c, r) => expect(r.stdout + r.stderr).not.toMatch(/root:.*:0:0/),
  },
  {
    name: 'a 200 MB carbon.xml (a huge comment): refused by size, quickly',
    setup: (c) => {
      const f = conf(c, 'carbon.xml');
      const s = fs.readFileSync(f);
      const i = s.indexOf('<Server');
      const fd = fs.openSync(f, 'w');
      fs.writeSync(fd, s.subarray(0, i));
      fs.writeSync(fd, '<!-- ');
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      for (let k = 0; k < 200; k++) fs.writeSync(fd, chunk);
      fs.writeSync(fd, ' -->\n');
      fs.writeSync(fd, s.subarray(i));
      fs.closeSync(fd);
    },
    code: 1,
    error: 'FILE_TOO_LARGE',
    says: [/carbon\.xml/, /MB/],
    maxMs: 10000,
  },
  {
    name: 'non-UTF-8 (Latin-1) bytes in carbon.xml, which declares ISO-8859-1: edited, bytes kept',
    setup: (c) => edit(conf(c, 'carbon.xml'), (s) => s.replace('<Server', '<!-- caf\u00e9 \u00ff\u00fe -->\n<Server')),
    code: 0,
    check: (c, r) => {
      expectApplied(c, r);
      const b = fs.readFileSync(conf(c, 'carbon.xml'));
      expect(b.includes(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff, 0xfe]))).toBe(true);
      expect(b.toString('latin1')).toContain(`<Location>${NEW_LOCATION}</Location>`);
    },
  },
  {
    name: 'invalid UTF-8 bytes in catalina-server.xml, which declares utf-8',
    setup: (c) => edit(conf(c, 'tomcat/catalina-server.xml'), (s) => s.replace('<Server', '<!-- \u00c3\u0028 \u00ff -->\n<Server')),
    code: 1,
    error: 'FILE_ENCODING',
    says: [/catalina-server\.xml/, /UTF-8/],
  },
  {
    name: 'UTF-16 carbon.xml (with a BOM)',
    setup: (c) => {
      const f = conf(c, 'carbon.xml');
      const s = fs.readFileSync(f, 'latin1').replace('encoding="ISO-8859-1"', 'encoding="UTF-16"');
      fs.writeFileSync(f, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]));
    },
    code: 1,
    error: ['FILE_ENCODING', 'XML_MALFORMED'],
    says: [/carbon\.xml/],
  },
  {
    name: 'a CRLF (Windows) checkout of carbon.xml: edited, stays CRLF',
    setup: (c) => edit(conf(c, 'carbon.xml'), (s) => s.replace(/\r?\n/g, '\r\n')),
    code: 0,
    check: (c, r) => {
      expectApplied(c, r);
      const s = appliedCarbon(c);
      expect(s).toContain(`<Location>${NEW_LOCATION}</Location>`);
      expect(s.split('\r\n').length).toBeGreaterThan(500);
      expect(/[^\r]\n/.test(s)).toBe(false);
    },
  },
  {
    name: 'a UTF-8 BOM before carbon.xml: edited, BOM kept',
    setup: (c) => edit(conf(c, 'carbon.xml'), (s) => `\u00ef\u00bb\u00bf${s.replace('encoding="ISO-8859-1"', 'encoding="UTF-8"')}`),
    code: 0,
    check: (c, r) => {
      expectApplied(c, r);
      const b = fs.readFileSync(conf(c, 'carbon.xml'));
      expect([...b.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(b.toString('utf8')).toContain(`<Location>${NEW_LOCATION}</Location>`);
    },
  },
  {
    name: 'a duplicate Security/KeyStore block in carbon.xml',
    setup: (c) =>
      edit(conf(c, 'carbon.xml'), (s) => {
        const a = s.indexOf('<KeyStore>');
        const b = s.indexOf('</KeyStore>') + '</KeyStore>'.length;
        return s.slice(0, b) + '\n        ' + s.slice(a, b) + s.slice(b);
      }),
    code: 1,
    error: 'XML_AMBIGUOUS',
    says: [/carbon\.xml/, /KeyStore/],
  },
  {
    name: 'Security/KeyStore without its Password element',
    setup: (c) => edit(conf(c, 'carbon.xml'), (s) => s.replace(/<Password>wso2carbon<\/Password>/, '')),
    code: 1,
    error: 'ELEMENT_MISSING',
    says: [/carbon\.xml/, /Password/],
  },
  {
    name: 'sec.policy with an unterminated string on the keystore line',
    setup: (c) => edit(conf(c, 'sec.policy'), (s) => s.replace('wso2carbon.jks", "JKS";', 'wso2carbon.jks", "JKS;')),
    code: 1,
    error: 'POLICY_MALFORMED',
    says: [/sec\.policy/, /string/],
  },
  {
    // Found by this corpus: the URL string was taken and rewritten although the entry is not valid syntax.
    name: 'sec.policy keystore entry with a misplaced quote (keystore "URL, "JKS;)',
    setup: (c) => edit(conf(c, 'sec.policy'), (s) => s.replace('wso2carbon.jks", "JKS";', 'wso2carbon.jks, "JKS;')),
    code: 1,
    error: 'POLICY_MALFORMED',
    says: [/sec\.policy:1/, /keystore entry/],
  },
  {
    name: 'carbon.xml is a symlink to a file outside HOME (a ConfigMap mount)',
    setup: (c) => {
      const outside = path.join(c.dir, 'configmap', 'carbon.xml');
      fs.mkdirSync(path.dirname(outside));
      fs.renameSync(conf(c, 'carbon.xml'), outside);
      fs.symlinkSync(outside, conf(c, 'carbon.xml'));
    },
    code: 1,
    error: 'FILE_SYMLINK',
    says: [/carbon\.xml/, /outside HOME/, /ConfigMap/],
    check: (c) => expect(fs.readFileSync(path.join(c.dir, 'configmap', 'carbon.xml'), 'latin1')).toContain('wso2carbon.jks</Location>'),
  },
  {
    name: 'carbon.xml is a symlink to a file inside HOME: the real file is edited, the link kept',
    setup: (c) => {
      fs.renameSync(conf(c, 'carbon.xml'), conf(c, 'carbon.real.xml'));
      fs.symlinkSync('carbon.real.xml', conf(c, 'carbon.xml'));
    },
    code: 0,
    check: (c, r) => {
      expectApplied(c, r);
      expect(fs.lstatSync(conf(c, 'carbon.xml')).isSymbolicLink()).toBe(true);
      expect(fs.readFileSync(conf(c, 'carbon.real.xml'), 'latin1')).toContain(`<Location>${NEW_LOCATION}</Location>`);
    },
  },
  {
    name: 'carbon.xml of 0 bytes',
    setup: (c) => fs.writeFileSync(conf(c, 'carbon.xml'), ''),
    code: 1,
    error: 'XML_MALFORMED',
    says: [/carbon\.xml/],
  },
  {
    name: 'carbon.xml is a folder',
    setup: (c) => {
      fs.rmSync(conf(c, 'carbon.xml'));
      fs.mkdirSync(conf(c, 'carbon.xml'));
    },
    code: 1,
    error: ['FILE_UNREADABLE', 'HOME_NOT_FOUND'],
    says: [/carbon\.xml/],
  },
  {
    name: 'malformed catalina-server.xml (an attribute without quotes)',
    setup: (c) => edit(conf(c, 'tomcat/catalina-server.xml'), (s) => s.replace('port="9443"', 'port=9443')),
    code: 1,
    error: 'XML_MALFORMED',
    says: [/catalina-server\.xml/],
  },
  // ---------------------------------------------------------------- keystores
  {
    name: 'binary garbage instead of a keystore',
    setup: (c) => fs.writeFileSync(path.join(c.home, SECURITY, 'new.jks'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))),
    code: 1,
    error: 'KEYSTORE_INVALID',
    says: [/new\.jks|newks/],
  },
  {
    name: 'a truncated keystore (first half of a JKS)',
    setup: (c) => {
      const f = path.join(c.home, SECURITY, 'new.jks');
      const b = fs.readFileSync(f);
      fs.writeFileSync(f, b.subarray(0, b.length >> 1));
    },
    code: 1,
    error: ['KEYSTORE_INVALID', 'KEYSTORE_PASSWORD'],
    says: [/new\.jks|newks/],
  },
  {
    name: 'a keystore of 0 bytes',
    setup: (c) => fs.writeFileSync(path.join(c.home, SECURITY, 'new.jks'), ''),
    code: 1,
    error: 'KEYSTORE_INVALID',
    says: [/new\.jks|newks/, /empty|0 bytes/i],
  },
  {
    name: 'a JCEKS keystore (keytool -storetype JCEKS)',
    setup: (c) => fs.copyFileSync(c.ks.jceks, path.join(c.home, SECURITY, 'new.jks')),
    code: 1,
    error: 'KEYSTORE_UNSUPPORTED',
    says: [/JCEKS/],
  },
  {
    name: 'a PKCS12 keystore declared as JKS',
    plan: basePlan({
      keystores: { newks: { path: `${SECURITY}/new.p12`, type: 'JKS', password: { env: 'NEWKS_PASS' }, alias: 'newkey' } },
    }),
    code: 1,
    error: 'KEYSTORE_TYPE_MISMATCH',
    says: [/PKCS12/, /JKS/],
  },
  {
    name: 'wrong store password',
    env: { NEWKS_PASS: WRONG_PW },
    code: 1,
    error: 'KEYSTORE_PASSWORD',
    says: [/password/i, /newks|new\.jks/],
  },
  {
    name: 'wrong key password',
    env: { NEWKEY_PASS: WRONG_PW },
    code: 1,
    error: 'KEY_PASSWORD',
    says: [/password/i, /newkey/],
  },
  {
    name: 'an alias that is not in the keystore',
    plan: newksWith({ alias: 'nosuchkey' }),
    code: 1,
    error: 'ALIAS_MISSING',
    says: [/nosuchkey/],
  },
  {
    name: 'an alias that is a trusted certificate, not a key',
    plan: newksWith({ alias: 'partner' }),
    code: 1,
    error: 'ALIAS_NOT_KEY',
    says: [/partner/],
  },
  {
    name: 'an expired certificate without allowExpired',
    plan: newksWith({ alias: 'old' }),
    code: 1,
    error: 'CERT_EXPIRED',
    says: [/expired/i, /CN=old/, /set "allowExpired": true on keystores\.newks in the plan/],
  },
  {
    name: 'a truststore (no private key) given for a key function',
    plan: basePlan({ keystores: { newks: { path: `${SECURITY}/client-truststore.jks`, type: 'JKS', password: { env: 'TRUST_PASS' } } }, functions: { tls: 'newks' } }),
    env: { TRUST_PASS: 'wso2carbon' },
    code: 1,
    error: 'ALIAS_MISSING',
    says: [/holds no private key \(only certificates: a truststore\?\), so it cannot serve/, /can serve only as "truststore"/],
  },
  {
    name: 'the keystore file does not exist',
    setup: (c) => fs.rmSync(path.join(c.home, SECURITY, 'new.jks')),
    code: 1,
    error: 'KEYSTORE_INVALID',
    says: [/new\.jks/, /does not exist/],
  },
  {
    name: 'the keystore path is a folder',
    setup: (c) => {
      fs.rmSync(path.join(c.home, SECURITY, 'new.jks'));
      fs.mkdirSync(path.join(c.home, SECURITY, 'new.jks'));
    },
    code: 1,
    error: 'KEYSTORE_INVALID',
    says: [/new\.jks/, /not a file/],
  },
  {
    name: 'a PKCS12 keystore with the password written in the plan itself: applied, password never shown',
    plan: basePlan({ keystores: { newks: { path: `${SECURITY}/new.p12`, type: 'PKCS12', password: STORE_PW, alias: 'newkey' } } }),
    code: 0,
    check: (c, r) => {
      expectApplied(c, r);
      expect(appliedCarbon(c)).toContain('<Type>PKCS12</Type>');
    },
  },
  // ---------------------------------------------------------------- the plan file
  {
    name: 'a keystore named __proto__',
    plan: `{"version":1,"keystores":{"__proto__":{"path":"${SECURITY}/new.jks","password":{"env":"NEWKS_PASS"},"alias":"newkey"}},"functions":{"primary":"__proto__"}}`,
    code: 1,
    error: 'PLAN_INVALID',
    says: [/__proto__/],
  },
  {
    name: 'a top-level __proto__ key (prototype pollution attempt)',
    plan: `{"version":1,"__proto__":{"polluted":true,"confirmInternalKeystoreChange":true},"keystores":{"newks":{"path":"${SECURITY}/new.jks","password":{"env":"NEWKS_PASS"},"alias":"newkey"}},"functions":{"primary":"newks"}}`,
    code: 1,
    error: 'PLAN_INVALID',
    says: [/__proto__/, /unknown key/i],
  },
  {
    name: 'a function named __proto__',
    plan: `{"version":1,"keystores":{"newks":{"path":"${SECURITY}/new.jks","password":{"env":"NEWKS_PASS"},"alias":"newkey"}},"functions":{"__proto__":"newks"}}`,
    code: 1,
    error: 'PLAN_INVALID',
    says: [/__proto__/, /function/i],
  },
  {
    name: 'a function naming "constructor", which is not a keystore of the plan',
    plan: basePlan({ functions: { primary: 'constructor' } }),
    code: 1,
    error: 'PLAN_INVALID',
    says: [/constructor/],
  },
  {
    name: 'a function naming "toString", which is not a keystore of the plan',
    plan: basePlan({ functions: { tls: 'toString' } }),
    code: 1,
    error: 'PLAN_INVALID',
    says: [/toString/],
  },
  {
    name: 'a keystore really named "constructor": works like any name',
    plan: (() => {
      const p = basePlan();
      return { ...p, keystores: { constructor: p.keystores.newks }, functions: { primary: 'constructor', tls: 'constructor' } };
    })(),
    code: 0,
    check: (c, r) => {
      expectApplied(c, r);
      expect(appliedCarbon(c)).toContain(`<Location>${NEW_LOCATION}</Location>`);
    },
  },
  {
    name: 'an unknown key in a keystore ("passwrd")',
    plan: newksWith({ passwrd: 'x' }),
    code: 1,
    error: 'PLAN_INVALID',
    says: [/passwrd/, /unknown key/i],
  },
  {
    name: 'an unknown top-level key',
    plan: basePlan({ keystore: {} }),
    code: 1,
    error: 'PLAN_INVALID',
    says: [/"keystore"/, /unknown key/i],
  },
  {
    name: 'an unknown function ("primry")',
    plan: basePlan({ functions: { primry: 'newks' } }),
    code: 1,
    error: 'PLAN_INVALID',
    says: [/primry/],
  },
  {
    name: 'a function naming an unknown keystore',
    plan: basePlan({ functions: { primary: 'newks', tls: 'otherks' } }),
    code: 1,
    error: 'PLAN_INVALID',
    says: [/otherks/],
  },
  {
    name: 'a missing environment variable for the password',
    env: { NEWKS_PASS: undefined },
    code: 1,
    error: 'PLAN_ENV_MISSING',
    says: [/NEWKS_PASS/],
  },
  {
    name: 'plan version 2',
    plan: basePlan({ version: 2 }),
    code: 1,
    error: 'PLAN_INVALID',
    says: [/version/],
  },
  {
    name: 'a plan that is not JSON',
    plan: 'version = 1\n[keystores.newks]\npath = "x"\n',
    code: 1,
    error: 'PLAN_INVALID',
    says: [/JSON/],
  },
  {
    name: 'a plan nested a million arrays deep',
    plan: '['.repeat(1_000_000),
    code: 1,
    error: 'PLAN_INVALID',
    says: [/JSON/],
  },
  {
    name: 'a plan that is a JSON array',
    plan: '[{"version":1}]',
    code: 1,
    error: 'PLAN_INVALID',
    says: [/object/],
  },
  {
    name: 'an empty password string',
    plan: newksWith({ password: '' }),
    code: 1,
    error: 'PLAN_INVALID',
    says: [/password/, /empty/],
  },
  {
    name: 'the plan file does not exist',
    args: (c) => ['apply', '--plan', path.join(c.dir, 'nope.json'), c.home, '--yes', '--json'],
    code: 1,
    error: 'PLAN_INVALID',
    says: [/nope\.json/, /there is no such file/],
  },
  {
    name: 'the plan file is a folder',
    args: (c) => ['apply', '--plan', c.dir, c.home, '--yes', '--json'],
    code: 1,
    error: 'PLAN_INVALID',
    says: [/it is a folder/],
  },
  {
    name: 'a keystore path that climbs out of HOME with ..',
    setup: (c) => fs.copyFileSync(c.ks.jks, path.join(c.dir, 'outside.jks')),
    plan: newksWith({ path: 'repository/resources/security/../../../../outside.jks' }),
    code: 1,
    error: 'PLAN_INVALID',
    says: [/climbs out of HOME/],
  },
  {
    name: 'a keystore path ../outside.jks (relative, just above HOME)',
    setup: (c) => fs.copyFileSync(c.ks.jks, path.join(c.dir, 'outside.jks')),
    plan: newksWith({ path: '../outside.jks' }),
    code: 1,
    error: 'PLAN_INVALID',
    says: [/climbs out of HOME/],
  },
  // ---------------------------------------------------------------- HOME
  {
    name: 'HOME that is not a WSO2 home',
    args: (c) => ['apply', '--plan', c.plan, path.join(c.home, 'conf', 'axis2'), '--yes', '--json'],
    code: 1,
    error: 'HOME_NOT_FOUND',
    says: [/not a WSO2 home/],
  },
  {
    name: 'HOME that does not exist',
    args: (c) => ['apply', '--plan', c.plan, path.join(c.dir, 'no-such-home'), '--yes', '--json'],
    code: 1,
    error: 'HOME_NOT_FOUND',
    says: [/no-such-home/],
  },
  {
    name: 'HOME that is a file',
    args: (c) => ['apply', '--plan', c.plan, path.join(c.home, 'conf', 'carbon.xml'), '--yes', '--json'],
    code: 1,
    error: 'HOME_NOT_FOUND',
    says: [/not a directory/],
  },
  {
    name: 'a deployment.toml home (IS 5.11.0): applied or refused, never a crash',
    fixture: 'is-5.11.0',
    plan: basePlan({ functions: { primary: 'newks' } }),
    code: [0, 1],
  },
  {
    name: 'unicode and spaces in HOME and in the keystore path: applied',
    setup: (c) => {
      const uni = path.join(c.dir, 'wso2 ei ünïcødé 家');
      fs.renameSync(c.home, uni);
      c.home = uni;
      fs.renameSync(path.join(uni, SECURITY, 'new.jks'), path.join(uni, SECURITY, 'new key ü 家.jks'));
    },
    plan: newksWith({ path: `${SECURITY}/new key ü 家.jks` }),
    code: 0,
    check: (c, r) => {
      expectApplied(c, r);
      // carbon.xml declares ISO-8859-1: 家 cannot be written there, so it must be refused (VALUE_UNENCODABLE)
      // or written as a character reference; either way the file must hold the path.
      const s = appliedCarbon(c);
      expect(s).toMatch(/new key (ü|\u00fc|&#252;|&#xfc;) (家|&#23478;|&#x5bb6;)\.jks/i);
    },
  },
  // ---------------------------------------------------------------- the command line
  {
    name: 'apply with standard input not a terminal and no --yes',
    args: (c) => ['apply', '--plan', c.plan, c.home],
    code: 2,
    says: [/terminal/, /--yes/],
  },
  {
    name: 'an unknown flag',
    args: (c) => ['apply', '--plan', c.plan, c.home, '--frobnicate'],
    code: 2,
    says: [/unknown option/i, /frobnicate/],
  },
  {
    name: 'apply without --plan',
    args: (c) => ['apply', c.home, '--yes'],
    code: 2,
    says: [/--plan/],
  },
  {
    name: 'restore with an unknown id',
    args: (c) => ['restore', c.home, '--id', '20200101T000000Z-dead', '--yes', '--json'],
    code: 1,
    error: 'BACKUP_NOT_FOUND',
    says: [/20200101T000000Z-dead/],
  },
  {
    name: 'restore of a file edited after the apply',
    setup: (c) => {
      const r = runCli(applyArgs(c), { env: ENV });
      if (r.code !== 0) throw new Error(`setup apply failed: ${r.stderr}`);
      edit(conf(c, 'carbon.xml'), (s) => `${s}<!-- edited by hand -->\n`);
    },
    args: (c) => ['restore', c.home, '--yes', '--json'],
    code: 1,
    error: 'RESTORE_CONFLICT',
    says: [/carbon\.xml/, /--force/],
  },
  {
    name: 'inspect a file of binary garbage',
    setup: (c) => fs.writeFileSync(path.join(c.dir, 'garbage.p12'), Buffer.alloc(1000, 0x5a)),
    args: (c) => ['inspect', path.join(c.dir, 'garbage.p12'), '--password-env', 'NEWKS_PASS', '--json'],
    code: 1,
    error: 'KEYSTORE_INVALID',
    says: [/garbage\.p12|keystore/i],
  },
];

describeWithKeytool('bad input corpus: the whole tool, hostile and broken input', () => {
  let ks: Keystores;
  beforeAll(() => {
    if (!distIsBuilt()) throw new Error('dist/ is missing: run npm run build (npm test does)');
    ks = makeKeystores();
  }, 120000);
  afterAll(() => fs.rmSync(ks.dir, { recursive: true, force: true }));

  test('the corpus has at least 40 cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, k) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wso2ks-bad-'));
    try {
      const c: Ctx = { dir, home: makeHome(ks, k.fixture, dir), plan: '', ks };
      c.plan = writePlan(dir, k.plan ?? basePlan());
      k.setup?.(c);
      const before = hashTree(c.dir);
      const r = runCli((k.args ?? applyArgs)(c), { env: { ...ENV, ...k.env } });
      const all = r.stdout + r.stderr;

      expect(r.signal).toBeNull();
      expect([k.code].flat()).toContain(r.code);
      expect(r.stderr).not.toMatch(/internal error/i);
      expect(all).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // no stack trace
      if (k.maxMs) expect(r.ms).toBeLessThan(k.maxMs);
      if (k.error) {
        const j = jsonOf(r);
        expect([k.error].flat()).toContain(j?.error?.code);
        expect(r.stderr).toMatch(/^error: /m);
      }
      for (const re of k.says ?? []) expect(r.stderr).toMatch(new RegExp(re.source, 'i'));
      if (r.code !== 0) {
        // Nothing written: not a byte, not a checkpoint, not a lock, not a temp file. (The empty
        // .wso2-keystore/backups folders may be made when the transaction starts and then refuses.)
        const after = hashTree(c.dir);
        for (const d of ['.wso2-keystore', '.wso2-keystore/backups']) {
          const rel = path.relative(c.dir, path.join(c.home, d)).split(path.sep).join('/');
          if (!(rel in before) && after[rel] === 'dir') delete after[rel];
        }
        expect(after).toEqual(before);
      }
      expect(leakedSecrets(all)).toEqual([]);
      expect(leakedSecrets(manifests(c.home).join('\n'))).toEqual([]);
      k.check?.(c, r);
      if (r.code === 0 && manifests(c.home).length) {
        // The notes and the masked diff say a password changed, never what it is.
        expect(all).toContain('********');
        expect(fs.existsSync(path.join(c.home, '.wso2-keystore', 'lock'))).toBe(false);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the secrets are really in play: the applied files hold the store password (XML-escaped)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wso2ks-bad-'));
    try {
      const home = makeHome(ks, 'ei-6.2.0', dir);
      const plan = writePlan(dir, basePlan());
      const r = runCli(['apply', '--plan', plan, home, '--yes'], { env: ENV });
      expect(r.code).toBe(0);
      const carbon = fs.readFileSync(path.join(home, 'conf', 'carbon.xml'), 'latin1');
      expect(leakedSecrets(carbon).length).toBeGreaterThan(0);
      expect(KEY_PW).not.toBe(STORE_PW);
      expect(leakedSecrets(r.stdout + r.stderr)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

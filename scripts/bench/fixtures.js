'use strict';
/**
 * Inputs for scripts/bench.js: scratch copies of the WSO2 fixture homes, keystores made once with
 * keytool and cached, plan files, a large generated config tree (kept between runs, found again by a
 * marker that records how it was made) and carbon.xml files padded to a given size.
 *
 * Everything generated is deterministic (a seeded PRNG), so two machines scan the same bytes.
 */
const { execFileSync } = require('node:child_process');
const { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, openSync, writeSync, closeSync } = require('node:fs');
const { join } = require('node:path');

const REPO = join(__dirname, '..', '..');
const FIXTURES = join(REPO, '..', 'shared', 'fixtures', 'wso2');

const STORE_PASS = 'bench-store-pass';
const TRUST_PASS = 'bench-trust-pass';
const ENV = { NEWKS_PASS: STORE_PASS, TRUST_PASS };

/**
 * A writable copy of a fixture home, `into/name`; returns the home's path. The fixtures are
 * read-only, and cpSync keeps their modes: folders become 0755 and files 0644. Also used by the
 * tests (test/helpers/home.ts) and scripts/fault-inject.js.
 */
function copyHome(fixture, into, name = fixture) {
  const home = join(into, name);
  rmSync(home, { recursive: true, force: true });
  cpSync(join(FIXTURES, fixture), home, { recursive: true });
  const fix = (d) => {
    chmodSync(d, 0o755);
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) fix(p);
      else chmodSync(p, 0o644);
    }
  };
  fix(home);
  return home;
}

function keytool(args) {
  const env = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' };
  delete env.JAVA_TOOL_OPTIONS;
  execFileSync('keytool', ['-J-Duser.language=en', ...args], { stdio: 'pipe', env });
}

/**
 * newks.jks (key entry "newkey") and trust.p12 (which trusts newkey's certificate), made once with
 * keytool and cached in `cacheDir` (keytool takes ~1 s per call; the figures do not include it).
 */
function keystores(cacheDir) {
  mkdirSync(cacheDir, { recursive: true });
  const ks = join(cacheDir, 'newks.jks');
  const trust = join(cacheDir, 'trust.p12');
  if (!existsSync(ks) || !existsSync(trust)) {
    rmSync(ks, { force: true });
    rmSync(trust, { force: true });
    keytool(['-genkeypair', '-alias', 'newkey', '-keystore', ks, '-storetype', 'JKS', '-storepass', STORE_PASS, '-keypass', STORE_PASS,
      '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=bench.example.com, O=Bench', '-validity', '3650']);
    const der = join(cacheDir, 'newkey.der');
    keytool(['-exportcert', '-alias', 'newkey', '-keystore', ks, '-storepass', STORE_PASS, '-file', der]);
    keytool(['-importcert', '-noprompt', '-alias', 'newkey', '-file', der, '-keystore', trust, '-storetype', 'PKCS12', '-storepass', TRUST_PASS]);
  }
  return { ks, trust };
}

/** Copies the cached keystores into a home and writes a plan for `functions`; returns the plan's path. */
function planFor(home, cacheDir, functions) {
  const { ks, trust } = keystores(cacheDir);
  const sec = join(home, 'repository', 'resources', 'security');
  mkdirSync(sec, { recursive: true });
  cpSync(ks, join(sec, 'newks.jks'));
  cpSync(trust, join(sec, 'trust.p12'));
  const plan = {
    version: 1,
    keystores: {
      newks: { path: 'repository/resources/security/newks.jks', type: 'JKS', password: { env: 'NEWKS_PASS' }, alias: 'newkey' },
      trust: { path: 'repository/resources/security/trust.p12', password: { env: 'TRUST_PASS' } },
    },
    functions: Object.fromEntries(functions.map((f) => [f, f === 'truststore' ? 'trust' : 'newks'])),
    confirmInternalKeystoreChange: true,
  };
  const file = join(home, '..', `plan-${functions.length}.json`);
  writeFileSync(file, JSON.stringify(plan, null, 2));
  return file;
}

/** mulberry32: small, fast, seeded. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'endpoint sequence mediator property payload header address service proxy target inbound outbound transport retry timeout cluster member tenant registry cache throttle policy handler message format'.split(' ');

/** Filler lines (no keystore extension anywhere in them), XML or key=value. */
function fillerLines(rand, kind, n) {
  const w = () => WORDS[Math.floor(rand() * WORDS.length)];
  const lines = [];
  for (let i = 0; i < n; i++) {
    const k = `${w()}.${w()}.${Math.floor(rand() * 1000)}`;
    if (kind === 'xml') {
      const r = rand();
      if (r < 0.4) lines.push(`        <property name="${k}" value="${w()}-${w()}-${Math.floor(rand() * 1e6)}" scope="default"/>`);
      else if (r < 0.7) {
        const tag = w();
        lines.push(`        <${tag} name="${k}">${w()} ${w()} ${w()} ${w()} ${Math.floor(rand() * 1e9)}</${tag}>`);
      } else if (r < 0.85) lines.push(`        <!-- ${w()} ${w()} ${w()}: ${w()} ${w()} ${w()} ${w()} -->`);
      else lines.push(`        <address uri="https://${w()}.example.com:${8000 + Math.floor(rand() * 1000)}/${w()}/${w()}"/>`);
    } else {
      lines.push(rand() < 0.1 ? `# ${w()} ${w()} ${w()} ${w()}` : `${k}=${w()} ${w()} ${Math.floor(rand() * 1e6)}`);
    }
  }
  return lines;
}

const XML_REFS = [
  (i) => `        <parameter name="keystore"><KeyStore><Location>repository/resources/security/wso2carbon.jks</Location><Type>JKS</Type><Password>wso2carbon</Password></KeyStore></parameter> <!-- ref ${i} -->`,
  (i) => `        <parameter name="truststore"><TrustStore><Location>repository/resources/security/client-truststore.jks</Location></TrustStore></parameter> <!-- ref ${i} -->`,
  (i) => `        <property name="keystore.path.${i}" value="\${carbon.home}/repository/resources/security/tenant-${i}.p12"/>`,
];
const PROP_REFS = [
  (i) => `keystore.${i}.location=\${carbon.home}/repository/resources/security/wso2carbon.jks`,
  (i) => `truststore.${i}.file=repository/resources/security/client-truststore.p12`,
];

/**
 * A home (a copy of apim-2.2.0) with `files` generated config files under repository/deployment and
 * repository/conf/generated, about `bytes` in total, `refs` of them holding one keystore reference.
 * Reused when `dir`'s marker records the same parameters; otherwise made again.
 */
function bigTree(dir, { files, bytes, refs }) {
  const marker = join(dir, '.bench-tree.json');
  const want = JSON.stringify({ files, bytes, refs, version: 2 });
  const home = join(dir, 'apim-2.2.0');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === want) return { home, reused: true };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyHome('apim-2.2.0', dir);
  const rand = prng(7);
  const pool = { xml: fillerLines(rand, 'xml', 4000), properties: fillerLines(rand, 'properties', 4000) };
  const perDir = 100;
  const made = new Set();
  const every = Math.max(1, Math.floor(files / refs));
  const avg = bytes / files;
  for (let i = 0; i < files; i++) {
    const kind = i % 5 === 4 ? 'properties' : 'xml';
    const sub = i % 3 === 0 ? join('repository', 'conf', 'generated') : join('repository', 'deployment', 'server', 'synapse-configs', 'default');
    const d = join(home, sub, `group-${String(Math.floor(i / perDir)).padStart(3, '0')}`);
    if (!made.has(d)) {
      mkdirSync(d, { recursive: true });
      made.add(d);
    }
    const target = Math.round(avg * (0.2 + 1.6 * rand()));
    const lines = [];
    let size = 0;
    const push = (l) => {
      lines.push(l);
      size += l.length + 1;
    };
    if (kind === 'xml') push(`<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="http://ws.apache.org/ns/synapse" name="gen-${i}">`);
    const refAt = i % every === 0 && i / every < refs ? Math.floor(rand() * 20) : -1;
    const src = pool[kind];
    let j = Math.floor(rand() * src.length);
    while (size < target) {
      if (lines.length === refAt) push((kind === 'xml' ? XML_REFS : PROP_REFS)[i % (kind === 'xml' ? 3 : 2)](i));
      push(src[j++ % src.length]);
    }
    if (refAt >= lines.length) push((kind === 'xml' ? XML_REFS : PROP_REFS)[0](i));
    if (kind === 'xml') push('</definitions>');
    writeFileSync(join(d, `gen-${i}.${kind === 'xml' ? 'xml' : 'properties'}`), `${lines.join('\n')}\n`);
  }
  writeFileSync(marker, want);
  return { home, reused: false };
}

/**
 * Pads `carbonPath` to about `bytes` with comments and unrelated elements inserted before the root's
 * end tag (the managed Security block stays where it is, near the top). Written in chunks so the
 * generator itself never holds the whole file.
 */
function padCarbon(carbonPath, bytes) {
  const src = readFileSync(carbonPath, 'utf8');
  const cut = src.lastIndexOf('</Server>');
  const head = src.slice(0, cut);
  const tail = src.slice(cut);
  const rand = prng(11);
  const fill = fillerLines(rand, 'xml', 2000);
  const fd = openSync(carbonPath, 'w');
  try {
    writeSync(fd, head);
    let size = Buffer.byteLength(head) + Buffer.byteLength(tail);
    let n = 0;
    while (size < bytes) {
      const block = [`    <!-- bench padding ${n}: ${fill[n % fill.length].trim().replace(/--/g, '- -')} -->`, `    <BenchPadding id="${n}">`];
      for (let k = 0; k < 12; k++) block.push(fill[(n * 12 + k) % fill.length]);
      block.push('    </BenchPadding>', '');
      const s = block.join('\n');
      writeSync(fd, s);
      size += Buffer.byteLength(s);
      n++;
    }
    writeSync(fd, tail);
  } finally {
    closeSync(fd);
  }
}

module.exports = { REPO, FIXTURES, ENV, STORE_PASS, copyHome, keytool, prng, keystores, planFor, bigTree, padCarbon };

/**
 * The planner on the toml-era fixture homes (is-5.11.0, apim-3.2.0, carbon-kernel-4.6.1), in memory:
 * per function exactly the intended lines change (in-place values; added keys/tables are pure
 * additions), comments stay, the TOML parses and reads back the plan's values, a second run changes
 * nothing, and the generated XML files are never in the change set.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { readTomlSettings } from '../../src/changes/plan-toml';
import type { Targets } from '../../src/changes/plan-changes';
import type { ChangeSet } from '../../src/changes/types';
import type { KeystoreTarget } from '../../src/edit/types';
import { detectHome, type HomeLayout } from '../../src/home/layout';
import { readHomeFiles } from '../../src/home/read-files';
import { copyHome, removedLines as allRemovedLines } from '../helpers/home';
import { plan, target } from './helpers';

const TOML = 'repository/conf/deployment.toml';
const FIXTURES = ['is-5.11.0', 'apim-3.2.0', 'carbon-kernel-4.6.1'] as const;
const FUNCTIONS = ['primary', 'internal', 'tls', 'truststore'] as const;
const TABLE = { primary: 'keystore.primary', internal: 'keystore.internal', tls: 'keystore.tls', truststore: 'truststore' } as const;

/**
 * 1-based lines of `before` that the edit changed. A file without a final line ending (APIM 3.2's)
 * whose last line only gains one, because a table is appended after it, does not count: its text is kept.
 */
function removedLines(before: string, after: string): number[] {
  const last = before.split('\n').length;
  const keptLast = !before.endsWith('\n') && after.includes(`${before.split('\n')[last - 1]}\n`);
  return allRemovedLines(before, after).filter((n) => !(n === last && keptLast));
}

const tableIn = (obj: unknown, table: string) => table.split('.').reduce<unknown>((n, p) => (n as Record<string, unknown> | undefined)?.[p], obj) as Record<string, unknown> | undefined;

async function setup(fx: string) {
  const home = copyHome(fx);
  const layout = detectHome(home);
  const files = await readHomeFiles(layout);
  return { home, layout, files };
}

function tomlOf(cs: ChangeSet): { before: string; after: string } {
  const f = cs.files.find((x) => x.path === TOML)!;
  return { before: f.before.toString('utf8'), after: f.after.toString('utf8') };
}

describe.each(FIXTURES)('%s', (fx) => {
  it('is detected as a toml home, and the stock file reads as the docs say (defaults included)', async () => {
    const { layout, files } = await setup(fx);
    expect(layout.era).toBe('toml');
    const s = readTomlSettings(files.get(TOML)!.toString('utf8'), TOML, { layout, files });
    for (const x of s) {
      expect(x.location).toBe(x.function === 'truststore' ? 'repository/resources/security/client-truststore.jks' : 'repository/resources/security/wso2carbon.jks');
      expect(x.type).toBe('JKS');
      expect(x.password).toBe('wso2carbon');
      if (x.function !== 'truststore') expect([x.alias, x.keyPassword]).toEqual(['wso2carbon', 'wso2carbon']);
    }
    const internal = s.find((x) => x.function === 'internal')!;
    expect(internal.present).toBe(false);
    expect(internal.owner).toMatch(/follows \[keystore\.primary\]/);
  });

  it('a plan that names what the file already uses changes nothing (identity)', async () => {
    const { home, layout, files } = await setup(fx);
    const same = target(home, 'stock', 'repository/resources/security/wso2carbon.jks', { password: 'wso2carbon', keyPassword: 'wso2carbon', alias: 'wso2carbon' });
    const trust = target(home, 'trust', 'repository/resources/security/client-truststore.jks', { password: 'wso2carbon', keyPassword: 'wso2carbon', alias: undefined });
    const cs = plan(layout, files, { primary: same, internal: same, tls: same, truststore: trust });
    const t = tomlOf(cs);
    // Keys that are absent get written (explicit beats defaults), but nothing present changes.
    expect(removedLines(t.before, t.after)).toEqual([]);
    const again = plan(layout, new Map([...files, [TOML, Buffer.from(t.after)]]), { primary: same, internal: same, tls: same, truststore: trust });
    expect(again.files[0].after.equals(again.files[0].before)).toBe(true);
  });

  describe.each(FUNCTIONS)('function %s', (fn) => {
    let before: string;
    let after: string;
    let cs: ChangeSet;
    let t: KeystoreTarget;
    let files: Map<string, Buffer>;
    let layout: HomeLayout;
    let targets: Targets;

    beforeAll(async () => {
      const s = await setup(fx);
      files = s.files;
      layout = s.layout;
      t = target(s.home, 'newks', `repository/resources/security/${fn === 'truststore' ? 'trust.p12' : 'new.p12'}`, {
        type: 'PKCS12',
        alias: fn === 'truststore' ? undefined : 'newkey',
        keyPassword: fn === 'truststore' ? `newks-Pa55"\\w'rd` : `k3y'"pw`,
      });
      targets = { [fn]: t };
      cs = plan(layout, files, targets, true);
      ({ before, after } = tomlOf(cs));
    });

    it('changes only deployment.toml (the XML files are generated from it)', () => {
      expect(cs.files.map((f) => f.path)).toEqual([TOML]);
    });

    it('changes exactly the reported in-place lines; added keys and tables are pure additions', () => {
      const f = cs.files[0];
      const inPlace = new Set(f.changes.filter((c) => c.from !== '').map((c) => c.line));
      expect(new Set(removedLines(before, after))).toEqual(inPlace);
      expect(f.changes.length).toBeGreaterThan(0);
      expect(f.changes.every((c) => c.function === fn)).toBe(true);
    });

    it('keeps every comment line, in order', () => {
      const comments = (s: string) => s.split('\n').filter((l) => /^\s*#/.test(l));
      expect(comments(after)).toEqual(comments(before));
    });

    it('still parses and reads back the new values in its table', () => {
      const table = tableIn(parse(after), TABLE[fn])!;
      expect(table.file_name).toBe(fn === 'truststore' ? 'trust.p12' : 'new.p12');
      expect(table.type).toBe('PKCS12');
      expect(table.password).toBe(t.password);
      if (fn !== 'truststore') {
        expect(table.alias).toBe('newkey');
        expect(table.key_password).toBe(t.keyPassword);
      }
      // Other tables keep what they had.
      for (const other of FUNCTIONS.filter((x) => x !== fn)) {
        expect(tableIn(parse(after), TABLE[other])).toEqual(tableIn(parse(before), TABLE[other]));
      }
    });

    it('a second run changes nothing', () => {
      const again = plan(layout, new Map([...files, [TOML, Buffer.from(after)]]), targets, true);
      expect(again.files[0].after.equals(again.files[0].before)).toBe(true);
      expect(again.files[0].changes).toEqual([]);
    });
  });

  it('the password never appears in a warning or note', async () => {
    const { home, layout, files } = await setup(fx);
    const t = target(home, 'newks', 'repository/resources/security/new.jks');
    const cs = plan(layout, files, { primary: t, tls: t }, true);
    const text = [...cs.warnings, ...cs.files.flatMap((f) => f.notes)].join('\n');
    expect(text).not.toContain(t.password);
    expect(cs.secrets).toContain(t.password);
    expect(cs.secrets).toContain('wso2carbon');
  });
});

describe('axis2 on a toml home follows [keystore.tls]', () => {
  it('refuses axis2 alone, and axis2 with a different keystore than tls, saying why', async () => {
    const { home, layout, files } = await setup('apim-3.2.0');
    const a = target(home, 'a', 'repository/resources/security/a.jks');
    const b = target(home, 'b', 'repository/resources/security/b.jks');
    expect(() => plan(layout, files, { axis2: a })).toThrow(expect.objectContaining({ code: 'PLAN_INVALID', message: expect.stringMatching(/follow \[keystore\.tls\]/) }));
    expect(() => plan(layout, files, { axis2: a, tls: b })).toThrow(expect.objectContaining({ code: 'PLAN_INVALID', message: expect.stringMatching(/different keystores/) }));
  });

  it('accepts axis2 with the same keystore as tls: one [keystore.tls] edit', async () => {
    const { home, layout, files } = await setup('apim-3.2.0');
    const a = target(home, 'a', 'repository/resources/security/a.jks');
    const cs = plan(layout, files, { axis2: a, tls: a });
    expect(tableIn(parse(tomlOf(cs).after), 'keystore.tls')?.file_name).toBe('a.jks');
    expect(cs.files.map((f) => f.path)).toEqual([TOML]);
  });
});

describe('the notes name the https transports only where the generated axis2.xml has them', () => {
  // APIM 3.2's gateway has active https transports with a keystore; IS 5.11's axis2.xml has them
  // commented out, so only the HTTPS connector follows [keystore.tls] there.
  const NOTE = 'are generated from [keystore.tls] and follow it';
  it.each([
    ['apim-3.2.0', true],
    ['is-5.11.0', false],
  ])('%s: tls moving notes the transports: %s', async (fx, has) => {
    const { home, layout, files } = await setup(fx);
    const t = target(home, 'tlsks', 'repository/resources/security/tls.jks');
    const notes = plan(layout, files, { tls: t }).files.flatMap((f) => f.notes).join('\n');
    if (has) expect(notes).toContain(NOTE);
    else expect(notes).not.toContain(NOTE);
  });

  it.each([
    ['apim-3.2.0', 'the HTTPS connector (and the https transports) follow [keystore.primary] and move to'],
    ['is-5.11.0', 'the HTTPS connector follows [keystore.primary] and moves to'],
  ])('%s without [keystore.tls]: primary moving without tls says what follows it', async (fx, said) => {
    const { home, layout, files } = await setup(fx);
    // APIM 3.2 ships a [keystore.tls] of its own: without it, tls follows primary as on IS.
    const toml = files.get(TOML)!.toString('utf8').replace(/^\[keystore\.tls\]\n(?:[a-z_]+ = .*\n)+/m, '');
    expect(toml).not.toMatch(/^\[keystore\.tls\]/m);
    files.set(TOML, Buffer.from(toml));
    const t = target(home, 'newks', 'repository/resources/security/new.jks');
    const stock = target(home, 'wso2carbon', 'repository/resources/security/wso2carbon.jks', { password: 'wso2carbon', keyPassword: 'wso2carbon', alias: 'wso2carbon' });
    const cs = plan(layout, files, { primary: t, internal: stock });
    expect(cs.warnings.find((w) => w.startsWith('tls:'))).toContain(said);
  });
});

describe('the internal keystore guard', () => {
  it('primary alone on IS 5.11 moves internal (it follows primary): refused without confirmation', async () => {
    const { home, layout, files } = await setup('is-5.11.0');
    const t = target(home, 'newks', 'repository/resources/security/new.jks');
    expect(() => plan(layout, files, { primary: t })).toThrow(
      expect.objectContaining({ code: 'INTERNAL_KEYSTORE_CHANGE', file: TOML, message: expect.stringMatching(/follows \[keystore\.primary\].*wso2carbon\.jks.*new\.jks/) }),
    );
  });

  it('pinning internal to the keystore in use writes [keystore.internal] and needs no confirmation', async () => {
    const { home, layout, files } = await setup('is-5.11.0');
    const t = target(home, 'newks', 'repository/resources/security/new.jks');
    const old = target(home, 'old', 'repository/resources/security/wso2carbon.jks', { password: 'wso2carbon', keyPassword: 'wso2carbon', alias: 'wso2carbon' });
    const cs = plan(layout, files, { primary: t, internal: old });
    const obj = parse(tomlOf(cs).after);
    expect(tableIn(obj, 'keystore.internal')).toEqual({ file_name: 'wso2carbon.jks', type: 'JKS', password: 'wso2carbon', alias: 'wso2carbon', key_password: 'wso2carbon' });
    expect(tableIn(obj, 'keystore.primary')?.file_name).toBe('new.jks');
    // TLS follows primary here: said plainly.
    expect(cs.warnings.join('\n')).toMatch(/\[keystore\.tls\] is not set.*follows? \[keystore\.primary\]/);
  });

  it('tls alone on APIM 3.2 does not touch internal encryption', async () => {
    const { home, layout, files } = await setup('apim-3.2.0');
    const t = target(home, 'newks', 'repository/resources/security/new.jks');
    const cs = plan(layout, files, { tls: t });
    expect(cs.warnings.join('\n')).not.toMatch(/internal data/);
  });
});

describe('file_name as the product reads it', () => {
  it('refuses a keystore outside repository/resources/security on IS/APIM, saying to copy it there', async () => {
    const { home, layout, files } = await setup('is-5.11.0');
    const t = target(home, 'newks', 'certs/new.jks');
    expect(() => plan(layout, files, { tls: t })).toThrow(expect.objectContaining({ code: 'PLAN_INVALID', hint: expect.stringMatching(/Copy the keystore into repository\/resources\/security/) }));
  });

  it('a keystore in a sub-folder of the security folder is a name with its folder, and stays so for the next plan', async () => {
    const { home, layout, files } = await setup('is-5.11.0');
    const first = plan(layout, files, { tls: target(home, 'sub', 'repository/resources/security/sub/b.p12') });
    const toml1 = tomlOf(first).after;
    expect(tableIn(parse(toml1), 'keystore.tls')?.file_name).toBe('sub/b.p12');
    // The next run reads sub/b.p12 as a name (as the server does), and writes names.
    const files2 = new Map([...files, [TOML, Buffer.from(toml1)]]);
    const tls = readTomlSettings(toml1, TOML, { layout, files: files2 }).find((s) => s.function === 'tls')!;
    expect(tls.location).toBe('repository/resources/security/sub/b.p12');
    const second = plan(layout, files2, { truststore: target(home, 'trust', 'repository/resources/security/trust.p12') });
    expect(tableIn(parse(tomlOf(second).after), 'truststore')?.file_name).toBe('trust.p12');
  });

  it('writes a path in a Micro Integrator home (conf/deployment.toml), inside or outside the security folder', async () => {
    const home = copyHome('carbon-kernel-4.6.1');
    mkdirSync(join(home, 'conf'), { recursive: true });
    const mi = readFileSync(join(home, TOML), 'utf8').replace('file_name = "wso2carbon.jks"', 'file_name = "repository/resources/security/wso2carbon.jks"');
    writeFileSync(join(home, 'conf', 'deployment.toml'), mi);
    const { rmSync } = await import('node:fs');
    rmSync(join(home, 'repository', 'conf'), { recursive: true });
    const layout = detectHome(home);
    expect(layout.confDir).toBe('conf');
    const files = await readHomeFiles(layout);
    const t = target(home, 'newks', 'repository/resources/security/new.jks');
    const u = target(home, 'other', 'keys/tls.jks');
    const cs = plan(layout, files, { primary: t, tls: u }, true);
    const obj = parse(cs.files[0].after.toString('utf8'));
    expect(tableIn(obj, 'keystore.primary')?.file_name).toBe('repository/resources/security/new.jks');
    expect(tableIn(obj, 'keystore.tls')?.file_name).toBe('keys/tls.jks');
    const s = readTomlSettings(cs.files[0].after.toString('utf8'), 'conf/deployment.toml', { layout });
    expect(s.find((x) => x.function === 'tls')?.location).toBe('keys/tls.jks');
  });
});

describe('odd files', () => {
  it('a CRLF deployment.toml stays CRLF, added lines included', async () => {
    const { home, layout, files } = await setup('is-5.11.0');
    const crlf = files.get(TOML)!.toString('utf8').replace(/\r?\n/g, '\r\n');
    const t = target(home, 'newks', 'repository/resources/security/new.jks');
    const cs = plan(layout, new Map([...files, [TOML, Buffer.from(crlf)]]), { tls: t });
    const after = cs.files[0].after.toString('utf8');
    expect(after).not.toMatch(/[^\r]\n/);
    expect(tableIn(parse(after), 'keystore.tls')?.file_name).toBe('new.jks');
  });

  it('a deployment.toml with a UTF-8 byte-order mark (Notepad) is read and edited, the mark kept', async () => {
    const { home, layout, files } = await setup('is-5.11.0');
    const stock = files.get(TOML)!;
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), stock]);
    const all = new Map([...files, [TOML, withBom]]);
    expect(readTomlSettings(withBom.toString('utf8'), TOML, { layout, files: all }).map((s) => s.function)).toEqual(
      readTomlSettings(stock.toString('utf8'), TOML, { layout, files }).map((s) => s.function),
    );
    const cs = plan(layout, all, { tls: target(home, 'newks', 'repository/resources/security/new.jks') });
    const after = cs.files[0].after;
    expect([...after.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(tableIn(parse(after.toString('utf8').slice(1)), 'keystore.tls')?.file_name).toBe('new.jks');
    expect(removedLines(withBom.toString('utf8'), after.toString('utf8'))).toEqual(removedLines(stock.toString('utf8'), tomlOf(plan(layout, files, { tls: target(home, 'newks', 'repository/resources/security/new.jks') })).after));
  });

  it('a misspelt key in an edited table is pointed out (the server ignores it)', async () => {
    const { home, layout, files } = await setup('is-5.11.0');
    const text = files.get(TOML)!.toString('utf8').replace('[keystore.primary]\nfile_name', '[keystore.primary]\nname = "x.jks"\nfile_name');
    const t = target(home, 'newks', 'repository/resources/security/new.jks');
    const cs = plan(layout, new Map([...files, [TOML, Buffer.from(text)]]), { primary: t }, true);
    expect(cs.warnings.join('\n')).toMatch(/:31 \[keystore\.primary\] name is not a key the server reads.*did you mean file_name/);
  });

  it('secPolicy: APIM 3.2 sec.policy has no keystore line, so nothing is invented (a warning says so)', async () => {
    const { home, layout, files } = await setup('apim-3.2.0');
    const t = target(home, 'newks', 'repository/resources/security/new.jks');
    const cs = plan(layout, files, { secPolicy: t, tls: t });
    expect(cs.files.map((f) => f.path)).toEqual([TOML]);
    expect(cs.warnings.join('\n')).toMatch(/sec\.policy has no keystore entry/);
  });

  it('PKCS12 defaults are taken from the generated carbon.xml where the toml leaves file_name out', async () => {
    const { layout, files } = await setup('is-5.11.0');
    const carbon = files.get('repository/conf/carbon.xml')!.toString('utf8').replace('security/wso2carbon.jks</Location>', 'security/wso2carbon.p12</Location>');
    const toml = files.get(TOML)!.toString('utf8').replace('file_name = "wso2carbon.jks"\n', '');
    const m = new Map([...files, ['repository/conf/carbon.xml', Buffer.from(carbon)], [TOML, Buffer.from(toml)]]);
    const s = readTomlSettings(toml, TOML, { layout, files: m });
    expect(s.find((x) => x.function === 'primary')?.location).toBe('repository/resources/security/wso2carbon.p12');
    expect(s.find((x) => x.function === 'primary')?.type).toBe('PKCS12');
  });
});

describe.each(FIXTURES)('%s: where the summary says each change is', (fx) => {
  it.each([
    ['after their commented-out copies', (t: string) => t],
    // Without the `#[keystore.x]` headers there is no copy to follow: every new table goes at the end.
    ['all at the end of the file', (t: string) => t.replace(/^#\s*\[(keystore\.\w+|truststore)\]\s*$/gm, '#')],
  ])('a plan that adds several tables (%s): every change is reported at the line the edited file has it', async (_, edit) => {
    const s = await setup(fx);
    const { home, layout } = s;
    const files = new Map([...s.files, [TOML, Buffer.from(edit(s.files.get(TOML)!.toString('utf8')))]]);
    const targets = {
      primary: target(home, 'p', 'repository/resources/security/p.jks'),
      internal: target(home, 'i', 'repository/resources/security/i.jks'),
      tls: target(home, 't', 'repository/resources/security/t.jks'),
      truststore: target(home, 'tr', 'repository/resources/security/tr.jks', { alias: undefined }),
    };
    const cs = plan(layout, files, targets, true);
    const f = cs.files.find((x) => x.path === TOML)!;
    const lines = f.after.toString('utf8').split(/\r?\n/);
    expect(f.changes.filter((c) => c.from === '').length).toBeGreaterThan(5); // tables and keys were added
    for (const c of f.changes) {
      const [, table, key] = /^\[(.+)\]\.(.+)$/.exec(c.setting)!;
      // The key's own line, under its table's header (the nearest one above it).
      let header = '';
      for (let i = c.line - 2; i >= 0 && !header; i--) header = /^\s*\[([^\]]+)\]\s*$/.exec(lines[i])?.[1].trim() ?? '';
      expect({ setting: c.setting, line: lines[c.line - 1], header }).toEqual({ setting: c.setting, line: expect.stringMatching(new RegExp(`^\\s*${key}\\s*=`)), header: table });
    }
  });
});

describe('carbon-kernel-4.6.1 with Secure Vault and [secrets] as the last table (where WSO2 docs put it)', () => {
  /** The stock toml with primary's passwords in the vault and [secrets] appended at the end. */
  async function vaultHome() {
    const s = await setup('carbon-kernel-4.6.1');
    const stock = s.files.get(TOML)!.toString('utf8');
    const text =
      stock.replace('password ="wso2carbon"\nalias ="wso2carbon"\nkey_password = "wso2carbon"', 'password ="$secret{keystore_password}"\nalias ="wso2carbon"\nkey_password = "$secret{keystore_password}"') +
      '\n[secrets]\nkeystore_password = "U29tZUNpcGhlclRleHQ="\n';
    expect(text).not.toBe(stock + '\n[secrets]\nkeystore_password = "U29tZUNpcGhlclRleHQ="\n'); // the replace took
    return { ...s, files: new Map([...s.files, [TOML, Buffer.from(text)]]), text };
  }

  it('a new [keystore.tls] and its vault alias both go at the end: the alias stays in [secrets], the table after it, lines right', async () => {
    const { home, layout, files, text } = await vaultHome();
    const cs = plan(layout, files, { tls: target(home, 't', 'repository/resources/security/t.jks') });
    const f = cs.files.find((x) => x.path === TOML)!;
    const after = f.after.toString('utf8');
    expect(after.startsWith(text)).toBe(true); // pure additions, at the end
    const obj = parse(after) as { secrets: Record<string, string>; keystore: { tls: Record<string, string> } };
    expect(Object.keys(obj.secrets)).toEqual(['keystore_password', 'keystore_tls_password']); // key_password: the same alias (same password)
    expect(obj.keystore.tls).toMatchObject({ file_name: 't.jks', password: '$secret{keystore_tls_password}' });
    const lines = after.split('\n');
    expect(f.changes.length).toBeGreaterThan(0); // the loop below checks each
    for (const c of f.changes) {
      const key = /\]\.(.+)$/.exec(c.setting)![1];
      expect({ setting: c.setting, line: lines[c.line - 1] }).toEqual({ setting: c.setting, line: expect.stringMatching(new RegExp(`^${key} ?=`)) });
    }
  });
});

describe('is-5.11.0: a [keystore.internal] or [keystore.tls] written only in part, when primary moves', () => {
  /** The stock toml with `table` added after [truststore], holding only `keys`. */
  async function partial(table: string, keys: string, edit: (t: string) => string = (t) => t) {
    const s = await setup('is-5.11.0');
    const stock = s.files.get(TOML)!.toString('utf8');
    const text = edit(stock.replace('[truststore]', `[${table}]\n${keys}\n\n[truststore]`));
    expect(text).not.toBe(stock);
    return { ...s, files: new Map([...s.files, [TOML, Buffer.from(text)]]), text };
  }
  const settingsOf = (after: string, layout: HomeLayout) => readTomlSettings(after, TOML, { layout });
  const fresh = (home: string) => target(home, 'p', 'repository/resources/security/p.p12', { type: 'PKCS12', alias: 'pkey' });

  it('internal with only file_name and password: its other keys are written as they are now, so it stays whole on wso2carbon.jks', async () => {
    const { home, layout, files } = await partial('keystore.internal', 'file_name = "wso2carbon.jks"\npassword = "wso2carbon"');
    const cs = plan(layout, files, { primary: fresh(home) }); // not refused: internal does not move
    const f = cs.files.find((x) => x.path === TOML)!;
    const after = f.after.toString('utf8');
    const internal = settingsOf(after, layout).find((x) => x.function === 'internal')!;
    expect([internal.location, internal.type, internal.alias, internal.password, internal.keyPassword]).toEqual(['repository/resources/security/wso2carbon.jks', 'JKS', 'wso2carbon', 'wso2carbon', 'wso2carbon']);
    expect(tableIn(parse(after), 'keystore.internal')).toEqual({ file_name: 'wso2carbon.jks', password: 'wso2carbon', type: 'JKS', alias: 'wso2carbon', key_password: 'wso2carbon' });
    expect(f.notes.join('\n')).toContain('[keystore.internal] set only file_name, password and took type, alias, key_password from [keystore.primary]: written with the values it uses now');
    expect(cs.warnings.join('\n')).not.toMatch(/internal data encryption moves/);
  });

  it('tls with only file_name and password, primary moved and internal given: tls stays whole, and no "is not set" warning', async () => {
    const { home, layout, files } = await partial('keystore.tls', 'file_name = "wso2carbon.jks"\npassword = "wso2carbon"');
    const stock = target(home, 'stock', 'repository/resources/security/wso2carbon.jks', { password: 'wso2carbon', keyPassword: 'wso2carbon', alias: 'wso2carbon' });
    const cs = plan(layout, files, { primary: fresh(home), internal: stock });
    const after = cs.files.find((x) => x.path === TOML)!.after.toString('utf8');
    const tls = settingsOf(after, layout).find((x) => x.function === 'tls')!;
    expect([tls.location, tls.type, tls.alias]).toEqual(['repository/resources/security/wso2carbon.jks', 'JKS', 'wso2carbon']);
    expect(cs.warnings.join('\n')).not.toMatch(/\[keystore\.tls\] is not set/);
  });

  it('WSO2\'s template uncommented with only file_name changed (the rest `$ref{keystore.primary.…}`): those keys are written as they are now', async () => {
    const tmpl = ['file_name = "wso2carbon.jks"', 'type = "$ref{keystore.primary.type}"', 'password = "$ref{keystore.primary.password}"', 'alias = "$ref{keystore.primary.alias}"', 'key_password = "$ref{keystore.primary.key_password}"'];
    const { home, layout, files } = await partial('keystore.tls', tmpl.join('\n'));
    const stock = target(home, 'stock', 'repository/resources/security/wso2carbon.jks', { password: 'wso2carbon', keyPassword: 'wso2carbon', alias: 'wso2carbon' });
    const cs = plan(layout, files, { primary: fresh(home), internal: stock });
    const after = cs.files.find((x) => x.path === TOML)!.after.toString('utf8');
    expect(tableIn(parse(after), 'keystore.tls')).toEqual({ file_name: 'wso2carbon.jks', type: 'JKS', password: 'wso2carbon', alias: 'wso2carbon', key_password: 'wso2carbon' });
    expect(cs.warnings.join('\n')).not.toMatch(/\[keystore\.tls\] (is not set|takes every key)/);
  });

  it('a table with no value of its own (all `$ref{keystore.primary.…}`, or empty) follows primary wholly: it moves with it, as if absent', async () => {
    const refs = ['file_name', 'type', 'password', 'alias', 'key_password'].map((k) => `${k} = "$ref{keystore.primary.${k}}"`).join('\n');
    const tls = await partial('keystore.tls', refs);
    const stock = target(tls.home, 'stock', 'repository/resources/security/wso2carbon.jks', { password: 'wso2carbon', keyPassword: 'wso2carbon', alias: 'wso2carbon' });
    const cs = plan(tls.layout, tls.files, { primary: fresh(tls.home), internal: stock });
    expect(settingsOf(cs.files.find((x) => x.path === TOML)!.after.toString('utf8'), tls.layout).find((x) => x.function === 'tls')!.location).toBe('repository/resources/security/p.p12');
    expect(cs.warnings.join('\n')).toContain('tls: [keystore.tls] takes every key from [keystore.primary] in repository/conf/deployment.toml, so the HTTPS connector');
    const empty = await partial('keystore.internal', '');
    expect(() => plan(empty.layout, empty.files, { primary: fresh(empty.home) })).toThrow(expect.objectContaining({ code: 'INTERNAL_KEYSTORE_CHANGE' }));
  });

  it('with Secure Vault: a password it shared with primary, whose alias now gets the new one, is kept under an alias of its own', async () => {
    const { home, layout, files } = await partial('keystore.internal', 'file_name = "wso2carbon.jks"', (t) =>
      t.replace('[keystore.primary]\nfile_name = "wso2carbon.jks"\npassword = "wso2carbon"', '[keystore.primary]\nfile_name = "wso2carbon.jks"\npassword = "$secret{keystore_password}"') +
        '\n[secrets]\nkeystore_password = "[wso2carbon]"\n',
    );
    expect(files.get(TOML)!.toString('utf8')).toContain('password = "$secret{keystore_password}"');
    const cs = plan(layout, files, { primary: fresh(home) });
    const after = cs.files.find((x) => x.path === TOML)!.after.toString('utf8');
    const obj = parse(after);
    expect(tableIn(obj, 'keystore.internal')).toMatchObject({ file_name: 'wso2carbon.jks', password: '$secret{keystore_internal_password}', alias: 'wso2carbon' });
    expect(tableIn(obj, 'secrets')).toMatchObject({ keystore_password: `[${fresh(home).password}]`, keystore_internal_password: '[wso2carbon]' });
    const internal = settingsOf(after, layout).find((x) => x.function === 'internal')!;
    expect([internal.password, internal.alias]).toEqual(['wso2carbon', 'wso2carbon']);
    // key_password, clear in [keystore.primary], goes in by reference too: never a clear password added to a vault file.
    expect(tableIn(obj, 'keystore.internal')!.key_password).toBe('$secret{keystore_internal_key_password}');
    expect(internal.keyPassword).toBe('wso2carbon');
  });
});

import { Readable } from 'node:stream';
import { inspectCommand, type InspectOptions } from '../../src/cli/commands/inspect';
import type { CliIo } from '../../src/cli/io';
import { memoryIo } from '../helpers/io';
import { WSO2_SECURITY } from '../helpers/keytool';

jest.mock('@inquirer/password', () => ({ __esModule: true, default: jest.fn(async () => 'wso2carbon') }));

interface Fake {
  io: CliIo;
  stdout: () => string;
  stderr: () => string;
}

function fakeIo(opts: { stdin?: string; tty?: boolean; env?: Record<string, string> } = {}): Fake {
  const stdin = Readable.from(opts.stdin === undefined ? [] : [opts.stdin]) as unknown as CliIo['stdin'];
  stdin.isTTY = opts.tty ?? false;
  return memoryIo(WSO2_SECURITY, opts.env ?? {}, { stdin });
}

const run = async (o: Partial<InspectOptions>, f: Fake) => inspectCommand({ keystore: 'wso2carbon.jks', ...o }, f.io);

describe('inspectCommand', () => {
  it('prints every entry of wso2carbon.jks, with the password from an environment variable', async () => {
    const f = fakeIo({ env: { KS_PW: 'wso2carbon' } });
    expect(await run({ passwordEnv: 'KS_PW' }, f)).toBe(0);
    const text = f.stdout();
    expect(text).toMatch(/^wso2carbon\.jks: JKS, 36 entries/);
    expect(text.match(/trustedCertEntry/g)).toHaveLength(35);
    expect(text).toContain('wso2carbon  PrivateKeyEntry  2017-07-19');
    expect(text).toContain('SHA-256:   50:F0:ED:A5:89:8A:F3:A1:15:C2:C5:08:19:49:56:E7:E1:14:FE:23:47:43:E9:D2:2F:70:9A:E7:CB:80:1B:BD');
    expect(text).toContain('key:       RSA 2048');
    expect(text).toContain('key usage: keyCertSign, cRLSign');
    expect(f.stderr()).toBe('');
  });

  it('--json prints one object with ISO dates and no DER', async () => {
    const f = fakeIo({ stdin: 'wso2carbon\nignored second line\n' });
    expect(await run({ keystore: 'client-truststore.jks', passwordStdin: true, json: true }, f)).toBe(0);
    const obj = JSON.parse(f.stdout());
    expect(obj.type).toBe('JKS');
    expect(obj.entries).toHaveLength(96);
    const e = obj.entries.find((x: { alias: string }) => x.alias === 'wso2carbon');
    expect(e.kind).toBe('trustedCert');
    expect(e.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(e.chain[0].notAfter).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(e.chain[0]).not.toHaveProperty('der');
    expect(Object.keys(e.chain[0]).sort()).toEqual(['issuer', 'keyAlgorithm', 'keySize', 'keyUsage', 'notAfter', 'notBefore', 'sans', 'serial', 'sha256', 'subject']);
  });

  it('asks with a masked prompt on a terminal', async () => {
    const { default: password } = jest.requireMock('@inquirer/password') as { default: jest.Mock };
    const f = fakeIo({ tty: true });
    expect(await run({}, f)).toBe(0);
    expect(password).toHaveBeenCalledWith(expect.objectContaining({ mask: '*' }), expect.anything());
    expect(f.stdout()).toContain('36 entries');
  });

  it('exits 2 without a password source off a terminal, naming the options', async () => {
    const f = fakeIo({ tty: false });
    expect(await run({}, f)).toBe(2);
    expect(f.stderr()).toMatch(/^error: /);
    expect(f.stderr()).toContain('--password-env');
    expect(f.stderr()).toContain('--password-stdin');
    expect(f.stdout()).toBe('');
  });

  it('a wrong password: exit 1, Java wording on stderr, the password never printed', async () => {
    const f = fakeIo({ stdin: 'hunter2-wrong\r\n' });
    expect(await run({ passwordStdin: true }, f)).toBe(1);
    expect(f.stderr()).toMatch(/^error: wso2carbon\.jks: Keystore was tampered with, or password was incorrect/);
    expect(f.stderr() + f.stdout()).not.toContain('hunter2');
  });

  it('a declared type that differs, and a missing file, fail with exit 1', async () => {
    const f = fakeIo({ env: { P: 'wso2carbon' } });
    expect(await run({ passwordEnv: 'P', type: 'PKCS12' }, f)).toBe(1);
    expect(f.stderr()).toContain('declared as PKCS12 but the file is JKS');
    const g = fakeIo({ env: { P: 'wso2carbon' } });
    expect(await run({ keystore: 'nope.jks', passwordEnv: 'P' }, g)).toBe(1);
    expect(g.stderr()).toContain('nope.jks does not exist');
  });
});

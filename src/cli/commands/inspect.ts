/**
 * `inspect <keystore>`: list every entry of a JKS or PKCS12 file without Java.
 * The password comes from --password-env, --password-stdin (first line), or a masked prompt on a
 * terminal; never from an argument, and it is redacted from everything printed.
 * Loads src/keystore lazily; that module in turn loads node-forge only for legacy PKCS12.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EXIT, KsError } from '../../errors';
import type { CertInfo, Keystore } from '../../keystore/types';
import { streamOf, type CliIo } from '../io';
import { Out } from '../output';

export interface InspectOptions {
  keystore: string;
  type?: 'JKS' | 'PKCS12';
  passwordEnv?: string;
  passwordStdin?: boolean;
  json?: boolean;
}

export async function inspectCommand(opts: InspectOptions, io: CliIo): Promise<number> {
  const out = new Out(io);
  try {
    const path = resolve(io.cwd, opts.keystore);
    const bytes = await readKeystore(path, opts.keystore);
    const password = await getPassword(opts, io);
    // Not registered with out.addSecrets: nothing printed here carries the password (keystore
    // content and our own messages only), and masking would blank every alias, DN or file name that
    // equals it, e.g. "wso2carbon" in WSO2's default keystore whose password is also wso2carbon.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { openKeystore } = require('../../keystore') as typeof import('../../keystore');
    const ks = openKeystore(bytes, { password, declaredType: opts.type, label: opts.keystore });
    if (opts.json) out.json(toJson(ks));
    else out.out(render(ks, opts.keystore));
    return EXIT.OK;
  } catch (e) {
    return out.fail(e, opts.json);
  }
}

async function readKeystore(path: string, shown: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KsError('FILE_MISSING', `${shown} does not exist`);
    throw new KsError('FILE_UNREADABLE', `${shown} cannot be read (${code ?? (e as Error).message})`, { cause: e });
  }
}

async function getPassword(opts: InspectOptions, io: CliIo): Promise<string> {
  if (opts.passwordEnv) {
    const v = io.env[opts.passwordEnv];
    if (v === undefined) throw new KsError('USAGE', `environment variable ${opts.passwordEnv} is not set`);
    return v;
  }
  if (opts.passwordStdin) return readFirstLine(io.stdin);
  if (!io.stdin.isTTY) {
    throw new KsError('NOT_A_TERMINAL', 'the keystore password is needed and standard input is not a terminal', {
      hint: 'Use --password-env NAME or --password-stdin.',
    });
  }
  const { default: password } = await import('@inquirer/password');
  try {
    return await password({ message: 'Keystore password', mask: '*' }, { input: io.stdin, output: streamOf(io.stderr) });
  } catch (e) {
    if ((e as Error).name === 'ExitPromptError') throw new KsError('ABORTED', 'interrupted');
    throw e;
  }
}

/** The first line of a stream, without its line ending; stops reading at the first newline. */
export function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let buf = '';
    const done = (line: string) => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', reject);
      stream.pause();
      resolveLine(line.replace(/\r$/, ''));
    };
    const onData = (chunk: Buffer | string) => {
      buf += chunk.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) done(buf.slice(0, nl));
    };
    const onEnd = () => done(buf);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', reject);
  });
}

const KIND_LABEL = { privateKey: 'PrivateKeyEntry', trustedCert: 'trustedCertEntry', secretKey: 'SecretKeyEntry' } as const;

function certJson(c: CertInfo) {
  // The DER is left out: it is long, and the SHA-256 identifies the certificate.
  const { der: _der, ...rest } = c;
  return rest;
}

function toJson(ks: Keystore) {
  return { type: ks.type, entries: ks.entries.map((e) => ({ alias: e.alias, kind: e.kind, date: e.date ?? null, chain: e.chain.map(certJson) })) };
}

function render(ks: Keystore, name: string): string {
  const lines = [`${name}: ${ks.type}, ${ks.entries.length} ${ks.entries.length === 1 ? 'entry' : 'entries'}`, ''];
  for (const e of ks.entries) {
    lines.push(`${e.alias}  ${KIND_LABEL[e.kind]}${e.date ? `  ${e.date.toISOString().slice(0, 10)}` : ''}`);
    e.chain.forEach((c, i) => {
      const pad = e.chain.length > 1 ? `  [${i + 1}] ` : '  ';
      const cont = ' '.repeat(pad.length);
      lines.push(`${pad}subject:   ${c.subject}`);
      lines.push(`${cont}issuer:    ${c.issuer}`);
      lines.push(`${cont}SHA-256:   ${c.sha256}`);
      lines.push(`${cont}serial:    ${c.serial}`);
      lines.push(`${cont}valid:     ${c.notBefore.toISOString()} to ${c.notAfter.toISOString()}`);
      lines.push(`${cont}key:       ${c.keyAlgorithm} ${c.keySize}`);
      if (c.sans.length) lines.push(`${cont}SANs:      ${c.sans.join(', ')}`);
      lines.push(`${cont}key usage: ${c.keyUsage ? c.keyUsage.join(', ') || '(none)' : '(not restricted)'}`);
    });
    lines.push('');
  }
  return lines.join('\n');
}

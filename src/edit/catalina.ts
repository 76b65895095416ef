/**
 * tomcat/catalina-server.xml: the SSL Connector(s). Two shapes exist in real releases:
 *  - attributes on the Connector: keystoreFile, keystorePass, keystoreType, keyAlias, keyPass
 *    (Carbon 4.4.x);
 *  - SSLHostConfig/Certificate: certificateKeystoreFile, certificateKeystorePassword,
 *    certificateKeystoreType, certificateKeyAlias, certificateKeyPassword, and truststore* on
 *    SSLHostConfig (kernel 4.6+ templates).
 * Attributes that exist are changed in place. Missing ones are added only where Tomcat needs them:
 * the key password when it differs from the store password (else "Cannot recover key"), the alias
 * when the keystore holds more than one key (else Tomcat takes the first), the type for PKCS12.
 */
import { KsError } from '../errors';
import { attr, childrenNamed, descendants, type XmlDocument, type XmlElement } from '../xml/document';
import { formatKeystorePath } from './paths';
import type { CurrentSetting, KeystoreTarget, SettingEdit } from './types';
import { insertAttr, setAttrValue, type XmlEditContext } from './xml-edit';

export interface CatalinaTargets {
  tls?: KeystoreTarget;
  truststore?: KeystoreTarget;
}

interface AttrNames {
  file: string;
  pass: string;
  type: string;
  alias: string;
  keyPass: string;
}

const CONNECTOR_ATTRS: AttrNames = { file: 'keystoreFile', pass: 'keystorePass', type: 'keystoreType', alias: 'keyAlias', keyPass: 'keyPass' };
const CERTIFICATE_ATTRS: AttrNames = {
  file: 'certificateKeystoreFile',
  pass: 'certificateKeystorePassword',
  type: 'certificateKeystoreType',
  alias: 'certificateKeyAlias',
  keyPass: 'certificateKeyPassword',
};

/** Connectors that serve TLS: SSLEnabled="true", or carrying a keystore, or holding an SSLHostConfig. */
export function sslConnectors(doc: XmlDocument): XmlElement[] {
  return descendants(doc, 'Connector').filter(
    (c) =>
      attr(c, 'SSLEnabled')?.value.trim().toLowerCase() === 'true' ||
      attr(c, 'keystoreFile') !== undefined ||
      childrenNamed(c, 'SSLHostConfig').length > 0,
  );
}

export function connectorLabel(c: XmlElement): string {
  const port = attr(c, 'port')?.value;
  return port ? `Connector[port=${port}]` : 'Connector';
}

function patchKeyHolder(ctx: XmlEditContext, el: XmlElement, names: AttrNames, t: KeystoreTarget, label: string, edits: SettingEdit[]): void {
  const meta = (a: string, secret = false) => ({ setting: `${label}/@${a}`, secret, function: 'tls' as const });
  const set = (name: string, value: string, secret: boolean, insertIfMissing: boolean) => {
    const a = attr(el, name);
    if (a) {
      const e = setAttrValue(ctx, a, value, meta(name, secret));
      if (e) edits.push(e);
    } else if (insertIfMissing) {
      edits.push(insertAttr(ctx, el, name, value, meta(name, secret)));
    }
  };
  set(names.file, formatKeystorePath(t, 'carbonHome'), false, true);
  set(names.pass, t.password, true, true);
  set(names.type, t.type, false, t.type !== 'JKS');
  if (t.alias !== undefined) set(names.alias, t.alias, false, t.keyEntryCount !== 1);
  else if (attr(el, names.alias)) {
    throw new KsError('PLAN_INVALID', `${label} names a key alias (${names.alias}), so the tls keystore needs an "alias" in the plan`, {
      file: ctx.file,
      line: ctx.doc.lineOf(el.start),
    });
  }
  set(names.keyPass, t.keyPassword, true, t.keyPassword !== t.password);
}

function patchTrustHolder(ctx: XmlEditContext, el: XmlElement, t: KeystoreTarget, label: string, passName: string, edits: SettingEdit[]): void {
  const meta = (a: string, secret = false) => ({ setting: `${label}/@${a}`, secret, function: 'truststore' as const });
  const file = attr(el, 'truststoreFile');
  if (!file) return; // no truststore configured here: Tomcat uses the JVM's; not invented
  const e1 = setAttrValue(ctx, file, formatKeystorePath(t, 'carbonHome'), meta('truststoreFile'));
  if (e1) edits.push(e1);
  const pass = attr(el, passName);
  if (pass) {
    const e = setAttrValue(ctx, pass, t.password, meta(passName, true));
    if (e) edits.push(e);
  } else edits.push(insertAttr(ctx, el, passName, t.password, meta(passName, true)));
  const type = attr(el, 'truststoreType');
  if (type) {
    const e = setAttrValue(ctx, type, t.type, meta('truststoreType'));
    if (e) edits.push(e);
  } else if (t.type !== 'JKS') edits.push(insertAttr(ctx, el, 'truststoreType', t.type, meta('truststoreType')));
}

export function patchCatalina(ctx: XmlEditContext, targets: CatalinaTargets): { edits: SettingEdit[]; warnings: string[] } {
  const edits: SettingEdit[] = [];
  const warnings: string[] = [];
  const connectors = sslConnectors(ctx.doc);
  if (connectors.length === 0) {
    throw new KsError('ELEMENT_MISSING', 'catalina-server.xml has no SSL Connector (SSLEnabled="true")', {
      file: ctx.file,
      hint: 'Leave "tls" out of the plan, or configure HTTPS in Tomcat first.',
    });
  }
  for (const c of connectors) {
    const label = connectorLabel(c);
    const hostConfigs = childrenNamed(c, 'SSLHostConfig');
    if (hostConfigs.length === 0) {
      if (targets.tls) patchKeyHolder(ctx, c, CONNECTOR_ATTRS, targets.tls, label, edits);
      if (targets.truststore) patchTrustHolder(ctx, c, targets.truststore, label, 'truststorePass', edits);
      continue;
    }
    for (const h of hostConfigs) {
      const hLabel = `${label}/SSLHostConfig`;
      if (targets.tls) {
        const certs = childrenNamed(h, 'Certificate');
        if (certs.length !== 1) {
          throw new KsError(
            certs.length ? 'XML_AMBIGUOUS' : 'ELEMENT_MISSING',
            certs.length ? `${hLabel} has ${certs.length} <Certificate> elements; this tool edits exactly one` : `${hLabel} has no <Certificate>`,
            { file: ctx.file, line: ctx.doc.lineOf(h.start), hint: 'Edit this connector by hand, or leave "tls" out of the plan.' },
          );
        }
        patchKeyHolder(ctx, certs[0], CERTIFICATE_ATTRS, targets.tls, `${hLabel}/Certificate`, edits);
      }
      if (targets.truststore) patchTrustHolder(ctx, h, targets.truststore, hLabel, 'truststorePassword', edits);
    }
  }
  return { edits, warnings };
}

/** What the SSL connectors use now. */
export function readCatalina(doc: XmlDocument): CurrentSetting[] {
  const out: CurrentSetting[] = [];
  for (const c of sslConnectors(doc)) {
    const label = connectorLabel(c);
    const hosts = childrenNamed(c, 'SSLHostConfig');
    const holders: Array<[XmlElement, AttrNames, string]> = hosts.length
      ? hosts.flatMap((h) => childrenNamed(h, 'Certificate').map((cert) => [cert, CERTIFICATE_ATTRS, `${label}/SSLHostConfig/Certificate`] as [XmlElement, AttrNames, string]))
      : [[c, CONNECTOR_ATTRS, label]];
    for (const [el, n, owner] of holders) {
      out.push({
        function: 'tls',
        owner,
        location: attr(el, n.file)?.value,
        type: attr(el, n.type)?.value,
        password: attr(el, n.pass)?.value,
        alias: attr(el, n.alias)?.value,
        keyPassword: attr(el, n.keyPass)?.value,
        line: doc.lineOf(el.start),
      });
    }
    for (const h of hosts.length ? hosts : [c]) {
      const f = attr(h, 'truststoreFile');
      if (f) {
        out.push({
          function: 'truststore',
          owner: hosts.length ? `${label}/SSLHostConfig` : label,
          location: f.value,
          type: attr(h, 'truststoreType')?.value,
          password: (attr(h, 'truststorePassword') ?? attr(h, 'truststorePass'))?.value,
          line: doc.lineOf(h.start),
        });
      }
    }
  }
  return out;
}

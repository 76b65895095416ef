/**
 * axis2/*.xml: the https transportReceiver and transportSender of the ESB/gateway (PassThrough or
 * NIO). Each holds `parameter name="keystore"` → KeyStore{Location,Type,Password,KeyPassword} and
 * `parameter name="truststore"` → TrustStore{Location,Type,Password}. Blocks inside comments (IS,
 * kernel) are not elements and are never touched. Paths are relative to HOME, as the file writes them.
 */
import { attr, childrenNamed, type XmlDocument, type XmlElement } from '../xml/document';
import { patchKeystoreBlock, readKeystoreBlock, type XmlPatchResult } from './carbon';
import { formatKeystorePath } from './paths';
import type { CurrentSetting, KeystoreTarget } from './types';
import type { XmlEditContext } from './xml-edit';

export interface Axis2Targets {
  axis2?: KeystoreTarget;
  truststore?: KeystoreTarget;
}

interface HttpsTransport {
  el: XmlElement;
  label: string;
  keystore?: XmlElement;
  truststore?: XmlElement;
}

function param(el: XmlElement, name: string, inner: string): XmlElement | undefined {
  const p = childrenNamed(el, 'parameter').find((x) => attr(x, 'name')?.value === name);
  return p ? childrenNamed(p, inner)[0] : undefined;
}

/** Active https transports that carry a keystore or truststore parameter. */
export function httpsTransports(doc: XmlDocument): HttpsTransport[] {
  return doc.root.children
    .filter((c) => (c.local === 'transportReceiver' || c.local === 'transportSender') && attr(c, 'name')?.value === 'https')
    .map((el) => ({
      el,
      label: `${el.local}[https]`,
      keystore: param(el, 'keystore', 'KeyStore'),
      truststore: param(el, 'truststore', 'TrustStore'),
    }))
    .filter((t) => t.keystore || t.truststore);
}

export function patchAxis2(ctx: XmlEditContext, targets: Axis2Targets): XmlPatchResult {
  const out: XmlPatchResult = { edits: [], warnings: [], vaultSecrets: [] };
  for (const t of httpsTransports(ctx.doc)) {
    if (targets.axis2 && t.keystore) {
      const k = targets.axis2;
      patchKeystoreBlock(
        ctx,
        t.keystore,
        { Location: formatKeystorePath(k, 'relative'), Type: k.type, Password: k.password, KeyPassword: k.keyPassword },
        `${t.label}/keystore/KeyStore`,
        'axis2',
        out,
      );
    }
    if (targets.truststore && t.truststore) {
      const k = targets.truststore;
      patchKeystoreBlock(
        ctx,
        t.truststore,
        { Location: formatKeystorePath(k, 'relative'), Type: k.type, Password: k.password },
        `${t.label}/truststore/TrustStore`,
        'truststore',
        out,
      );
    }
  }
  return out;
}

export function readAxis2(doc: XmlDocument): CurrentSetting[] {
  const out: CurrentSetting[] = [];
  for (const t of httpsTransports(doc)) {
    for (const [el, fn, what] of [
      [t.keystore, 'axis2', 'keystore'],
      [t.truststore, 'truststore', 'truststore'],
    ] as const) {
      if (el) out.push(readKeystoreBlock(doc, el, fn, `${t.label}/${what}`));
    }
  }
  return out;
}

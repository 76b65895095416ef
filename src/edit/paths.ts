/**
 * How each file writes a keystore path. Every file uses its own style; we keep to it:
 * carbon.xml and catalina-server.xml: `${carbon.home}/repository/resources/security/x.jks`,
 * axis2.xml: `repository/resources/security/x.jks` (relative to the server's working directory, HOME),
 * sec.policy: `file:${user.dir}/repository/resources/security/x.jks`.
 * A keystore outside HOME is written as an absolute path in every style.
 */
import type { KeystoreTarget } from './types';

export type PathStyle = 'carbonHome' | 'relative' | 'policyUrl';

export function formatKeystorePath(target: Pick<KeystoreTarget, 'absPath' | 'homeRelPath'>, style: PathStyle): string {
  const abs = target.absPath.split('\\').join('/');
  if (target.homeRelPath === null) return style === 'policyUrl' ? `file:${abs}` : abs;
  switch (style) {
    case 'carbonHome':
      return `\${carbon.home}/${target.homeRelPath}`;
    case 'relative':
      return target.homeRelPath;
    case 'policyUrl':
      return `file:\${user.dir}/${target.homeRelPath}`;
  }
}

/**
 * Resolve a path as a config file writes it, to one relative to HOME (or absolute), so that two
 * spellings of the same keystore compare equal. Unknown `${…}` variables are left as they are.
 */
export function normalizeConfigPath(value: string): string {
  let v = value.trim().split('\\').join('/');
  v = v.replace(/^file:/, '');
  v = v.replace(/^\$\{(carbon\.home|user\.dir)\}\/?/, '');
  v = v.replace(/^\.\//, '');
  return v;
}

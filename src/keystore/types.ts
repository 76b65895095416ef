/** What the rest of the tool sees of a keystore. Never holds a password or a private key. */

export type KeystoreType = 'JKS' | 'PKCS12';
export type DetectedType = KeystoreType | 'JCEKS' | 'unknown';

export interface CertInfo {
  /** Distinguished name in keytool's order and form: "CN=localhost, O=WSO2, C=US". */
  subject: string;
  issuer: string;
  /** Colon-separated upper-case hex, as `keytool -list` prints it. */
  sha256: string;
  /** Lower-case hex without leading zeros, as `keytool -list -v` prints it. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** 'RSA', 'EC', 'DSA', 'Ed25519', … */
  keyAlgorithm: string;
  /** Bits for RSA/DSA; the curve name (keytool's spelling, e.g. secp256r1) for EC. */
  keySize: number | string;
  /** "DNS:localhost", "IP Address:127.0.0.1", … */
  sans: string[];
  /** RFC 5280 names ("digitalSignature", "keyEncipherment", …); null when the extension is absent. */
  keyUsage: string[] | null;
  der: Buffer;
}

export type EntryKind = 'privateKey' | 'trustedCert' | 'secretKey';

export interface KeystoreEntry {
  /** Lower-case, as Java reports it for both JKS and PKCS12. */
  alias: string;
  kind: EntryKind;
  /** Creation date when the file records one (JKS always; Java-made PKCS12 via its "Time …" key id). */
  date?: Date;
  /** Leaf first. One certificate for a trusted entry, none for a secret key. */
  chain: CertInfo[];
}

export interface Keystore {
  type: KeystoreType;
  entries: KeystoreEntry[];
}

export interface OpenKeystoreOptions {
  password: string;
  declaredType?: KeystoreType;
  /** Used in messages, e.g. the file name. */
  label?: string;
}

export interface CheckKeyEntryOptions {
  alias: string;
  storePassword: string;
  /** Defaults to the store password, which is what PKCS12 made by Java always uses. */
  keyPassword?: string;
  label?: string;
}

export interface AddTrustedCertificateOptions {
  type: KeystoreType;
  password: string;
  alias: string;
  certDer: Buffer;
  label?: string;
  /** Entry date for JKS; defaults to now. Tests pass a fixed one. */
  date?: Date;
}

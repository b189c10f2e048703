import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import forge from 'node-forge';
import { PdfError } from '../errors.js';

/**
 * The signer's key and certificates from a PKCS#12 file. node-forge reads PKCS#12 (PBES2/AES
 * and the legacy 3DES/RC2 bags, SHA-1/SHA-256 MACs); it keeps RSA keys only, so an EC key is
 * reported as unsupported rather than misread.
 */

export interface SigningIdentity {
  /** PKCS#8 DER of the private key (imported into WebCrypto for signing). */
  privateKeyPkcs8: Uint8Array;
  certificate: Uint8Array;
  /** The other certificates in the file (issuers), DER. */
  chain: Uint8Array[];
  subject: string;
  /** The issuer's common name (or its whole name without one). */
  issuer: string;
  /** Hex, as the certificate has it. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
}

const toBytes = (binary: string): Uint8Array => Uint8Array.from(Buffer.from(binary, 'binary'));
const certDer = (c: forge.pki.Certificate): Uint8Array => toBytes(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes());

/**
 * Reading a PKCS#12 costs its key derivation (thousands of PBKDF2 rounds in JavaScript), which
 * would otherwise dominate every signed document of a batch. Decrypted identities are kept a few
 * minutes per process, keyed by a digest of file and password (neither is kept in the key).
 * The validity check runs on every call.
 */
const identities = new LRUCache<string, SigningIdentity>({ max: 32, ttl: 10 * 60_000 });

export function loadSigningIdentity(p12: Uint8Array, password: string, now: Date): SigningIdentity {
  const key = createHash('sha256').update(p12).update('\0').update(password).digest('hex');
  const id = identities.get(key) ?? readIdentity(p12, password);
  identities.set(key, id);
  if (now < id.notBefore || now > id.notAfter) {
    throw new PdfError('certificate_expired', `The certificate of ${id.subject} is not valid now`, {
      notBefore: id.notBefore.toISOString(),
      notAfter: id.notAfter.toISOString(),
    });
  }
  return id;
}

function readIdentity(p12: Uint8Array, password: string): SigningIdentity {
  let pfx: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12).toString('binary')));
    pfx = forge.pkcs12.pkcs12FromAsn1(asn, false, password);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/password|MAC could not be verified|Invalid password/i.test(msg)) {
      throw new PdfError('certificate_password_invalid', 'The certificate password is wrong');
    }
    if (/OID is not RSA|private key/i.test(msg)) {
      throw new PdfError('certificate_invalid', 'The certificate key is not RSA (only RSA keys are supported)');
    }
    throw new PdfError('certificate_invalid', 'The certificate is not a readable PKCS#12 file');
  }
  const keyBags = [
    ...(pfx.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(pfx.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const certs = (pfx.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [])
    .map((b) => b.cert)
    .filter((c): c is forge.pki.Certificate => c !== undefined && c !== null);
  const key = keyBags.map((b) => b.key).find((k): k is forge.pki.rsa.PrivateKey => k !== undefined && k !== null);
  if (!key) throw new PdfError('certificate_invalid', 'The PKCS#12 file holds no (RSA) private key');
  // The signer's certificate is the one whose public key matches the private key.
  const own = certs.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n !== undefined && pub.n.equals(key.n) && pub.e.equals(key.e);
  });
  if (!own) throw new PdfError('certificate_invalid', 'The PKCS#12 file holds no certificate for its private key');
  const nameOf = (n: forge.pki.Certificate['subject']) => String(n.getField('CN')?.value ?? n.attributes.map((a) => a.value).join(', '));
  const subject = nameOf(own.subject);
  const pkcs8 = forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key));
  return {
    privateKeyPkcs8: toBytes(forge.asn1.toDer(pkcs8).getBytes()),
    certificate: certDer(own),
    chain: certs.filter((c) => c !== own).map(certDer),
    subject,
    issuer: nameOf(own.issuer),
    serialNumber: own.serialNumber,
    notBefore: own.validity.notBefore,
    notAfter: own.validity.notAfter,
  };
}

import { createHash, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PdfError } from '../errors.js';
import type { SigningIdentity } from './p12.js';

/**
 * The CMS SignedData of a PAdES signature (ETSI EN 319 142-1), built with pkijs:
 * B-B: detached, signed attributes content-type, message-digest and ESS signing-certificate-v2,
 *      no signing-time (the time is the signature dictionary's /M).
 * B-T: B-B plus an RFC 3161 signature-time-stamp token over the signature value, as an
 *      unsigned attribute.
 */

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  timeStampToken: '1.2.840.113549.1.9.16.2.14',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
} as const;

const sha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());
const buf = (b: Uint8Array): ArrayBuffer => b.slice().buffer;

let engineSet = false;
function engine(): void {
  if (engineSet) return;
  pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));
  engineSet = true;
}

/** ESS signing-certificate-v2: binds the signature to the signer's certificate (hash + issuer/serial). */
function signingCertificateV2(cert: pkijs.Certificate, der: Uint8Array): pkijs.Attribute {
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })] }),
      new asn1js.Integer({ valueHex: cert.serialNumber.valueBlock.valueHexView.slice().buffer }),
    ],
  });
  // hashAlgorithm is omitted: its DEFAULT is SHA-256, and DER forbids encoding a default.
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: buf(sha256(der)) }), issuerSerial] });
  return new pkijs.Attribute({
    type: OID.signingCertificateV2,
    values: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] })],
  });
}

export type TimestampFn = (imprint: Uint8Array) => Promise<Uint8Array>;

export async function buildPadesCms(signedBytes: Uint8Array, id: SigningIdentity, timestamp?: TimestampFn): Promise<Uint8Array> {
  engine();
  const cert = pkijs.Certificate.fromBER(buf(id.certificate));
  const chain = id.chain.map((c) => pkijs.Certificate.fromBER(buf(c)));
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: [cert, ...chain],
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
            new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: buf(sha256(signedBytes)) })] }),
            signingCertificateV2(cert, id.certificate),
          ],
        }),
      }),
    ],
  });
  const key = await webcrypto.subtle.importKey('pkcs8', buf(id.privateKeyPkcs8), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  await signedData.sign(key as unknown as CryptoKey, 0, 'SHA-256');
  if (timestamp) {
    const signer = signedData.signerInfos[0];
    const token = await timestamp(sha256(new Uint8Array(signer.signature.valueBlock.valueHexView)));
    const asn = asn1js.fromBER(buf(token));
    if (asn.offset === -1) throw new PdfError('timestamp_failed', 'The timestamp authority answered an unreadable token');
    signer.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 1,
      attributes: [new pkijs.Attribute({ type: OID.timeStampToken, values: [asn.result] })],
    });
  }
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

export const SHA256_OID = OID.sha256;

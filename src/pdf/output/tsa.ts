import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PdfError } from '../errors.js';
import { SHA256_OID } from './cms.js';

/**
 * RFC 3161 client: asks the configured timestamp authority for a token over a SHA-256 imprint,
 * and checks that the token answers this request (same imprint, same nonce) before it is used.
 */

const TIMEOUT_MS = 15_000;
const buf = (b: Uint8Array): ArrayBuffer => b.slice().buffer;

function fail(message: string, url: string): never {
  throw new PdfError('timestamp_failed', message, { timestampUrl: url });
}

export function timestamper(url: string): (imprint: Uint8Array) => Promise<Uint8Array> {
  return async (imprint) => {
    const nonce = randomBytes(8);
    // Positive with a non-zero first byte, so its DER form is these 8 bytes exactly.
    nonce[0] = (nonce[0] & 0x7f) | 0x01;
    const req = new pkijs.TimeStampReq({
      version: 1,
      messageImprint: new pkijs.MessageImprint({
        hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID, algorithmParams: new asn1js.Null() }),
        hashedMessage: new asn1js.OctetString({ valueHex: buf(imprint) }),
      }),
      nonce: new asn1js.Integer({ valueHex: buf(nonce) }),
      certReq: true,
    });
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query' },
        body: new Uint8Array(req.toSchema().toBER(false)),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      fail(`The timestamp authority is unreachable (${e instanceof Error ? e.message : String(e)})`, url);
    }
    if (!res.ok) fail(`The timestamp authority answered HTTP ${res.status}`, url);
    const body = new Uint8Array(await res.arrayBuffer());
    let resp: pkijs.TimeStampResp;
    try {
      resp = pkijs.TimeStampResp.fromBER(buf(body));
    } catch {
      fail('The timestamp authority answered something that is not a timestamp response', url);
    }
    const status = resp.status.status;
    if ((status !== 0 && status !== 1) || !resp.timeStampToken) fail(`The timestamp authority refused the request (status ${status})`, url);
    const signed = new pkijs.SignedData({ schema: resp.timeStampToken.content });
    const econtent = signed.encapContentInfo.eContent;
    if (!econtent) fail('The timestamp token has no TSTInfo', url);
    const info = pkijs.TSTInfo.fromBER(econtent.getValue());
    const gotImprint = new Uint8Array(info.messageImprint.hashedMessage.valueBlock.valueHexView);
    const gotNonce = info.nonce ? new Uint8Array(info.nonce.valueBlock.valueHexView) : undefined;
    if (Buffer.compare(gotImprint, imprint) !== 0) fail('The timestamp token is for another imprint', url);
    if (!gotNonce || Buffer.compare(gotNonce, nonce) !== 0) {
      fail('The timestamp token does not answer this request (nonce)', url);
    }
    return new Uint8Array(resp.timeStampToken.toSchema().toBER(false));
  };
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkWebhookUrl, pinnedLookup, type HostResolver, type WebhookAllowList } from './webhook-target.js';

/**
 * Job webhooks are signed like Stripe's: header `x-pdfstudio-signature: t=<unix seconds>,v1=<hex>`
 * where v1 = HMAC-SHA256(secret, `${t}.${rawBody}`). The secret is per user, derived from the
 * service signing secret (so nothing extra is stored and rotating the service secret rotates all):
 * GET /api/jobs/webhook-secret shows it to its owner. Receivers should reject timestamps older than
 * a few minutes. Delivery is at least once: `x-pdfstudio-delivery` (the job id + event) lets a
 * receiver drop duplicates.
 */
export const SIGNATURE_HEADER = 'x-pdfstudio-signature';
export const DELIVERY_HEADER = 'x-pdfstudio-delivery';

export function webhookSecret(signingSecret: string, userId: string): string {
  return `whsec_${createHmac('sha256', signingSecret).update(`webhook:${userId}`).digest('base64url')}`;
}

export function signWebhook(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

/** What a receiver does (exported for tests and as the reference implementation). */
export function verifyWebhook(secret: string, body: string, header: string, toleranceSeconds = 300, now = Date.now()): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || !parts.v1 || Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, body, t).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export class WebhookDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * One attempt; a non-2xx answer (a redirect included: it is not followed) or a network error
 * throws WebhookDeliveryError, a refused target WebhookUrlForbiddenError. The host is checked
 * again here, not only at job creation, and the socket connects to the addresses just checked.
 * Messages carry the client's own URL and an error code, never an address we resolved.
 */
export async function deliverWebhook(
  rawUrl: string,
  secret: string,
  event: { id: string; type: string; data: unknown },
  target: { allow: WebhookAllowList; resolve: HostResolver; timeoutMs?: number },
): Promise<void> {
  const { url, addresses } = await checkWebhookUrl(rawUrl, target.allow, target.resolve);
  const body = JSON.stringify({ ...event, createdAt: new Date().toISOString() });
  const options: RequestOptions = {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      [SIGNATURE_HEADER]: signWebhook(secret, body),
      [DELIVERY_HEADER]: event.id,
      'user-agent': 'pdf-studio-webhooks/1',
    },
    // A fresh connection per delivery: a pooled socket would skip the pinned lookup.
    agent: false,
    lookup: pinnedLookup(addresses),
    signal: AbortSignal.timeout(target.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
  };
  const shown = `${url.origin}${url.pathname}`;
  const status = await new Promise<number>((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
      res.resume();
      res.on('error', () => undefined);
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.name === 'AbortError' || err.name === 'TimeoutError' ? 'timed out' : (err.code ?? 'network error');
      reject(new WebhookDeliveryError(`webhook ${shown} unreachable: ${code}`));
    });
    req.end(body);
  });
  if (status < 200 || status >= 300) throw new WebhookDeliveryError(`webhook ${shown} answered ${status}`);
}

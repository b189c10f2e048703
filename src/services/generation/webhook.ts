import { createHmac, timingSafeEqual } from 'node:crypto';

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

/** One attempt; a non-2xx answer or a network error throws, so the queue retries with backoff. */
export async function deliverWebhook(url: string, secret: string, event: { id: string; type: string; data: unknown }): Promise<void> {
  const body = JSON.stringify({ ...event, createdAt: new Date().toISOString() });
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signWebhook(secret, body),
        [DELIVERY_HEADER]: event.id,
        'user-agent': 'pdf-studio-webhooks/1',
      },
      body,
      signal: AbortSignal.timeout(10_000),
      redirect: 'manual',
    });
  } catch (err) {
    throw new WebhookDeliveryError(`webhook ${url} unreachable: ${err instanceof Error ? err.message : String(err)}`);
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.status < 200 || res.status >= 300) throw new WebhookDeliveryError(`webhook ${url} answered ${res.status}`);
}

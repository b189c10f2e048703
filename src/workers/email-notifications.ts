import type { Deps } from '@/services/context.js';
import type { EmailNotificationMessage } from '@/shared/queue/messages.js';
import type { MessageHandler } from '@/shared/queue/types.js';

/**
 * email-notifications consumer: sends through the configured mailer (outbox directory embedded,
 * SES in AWS). A failed send throws, so the queue retries with backoff and dead-letters at the end.
 * `template`/`templateData` are carried for richer rendering later; text/html are what is sent.
 */
export function emailNotificationsHandler(services: Deps<'mailer'>): MessageHandler<EmailNotificationMessage> {
  return async ({ body }) => {
    await services.mailer.send({ to: body.to, subject: body.subject, text: body.text, ...(body.html ? { html: body.html } : {}) });
  };
}

import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { EmailMessage, Mailer, SentEmail } from './types.js';
import { parseEmailMessage } from './validate.js';

export interface OutboxMailerOptions {
  /** `<dataDir>/outbox` by convention. */
  directory: string;
  from: string;
}

/**
 * The embedded mailer: one RFC 5322 .eml file per message, built by nodemailer's MailComposer
 * (MIME structure, encoded-word subjects, quoted-printable bodies), so any mail client opens it.
 * Files are named `<ISO time>-<uuid>.eml` (sortable) and written via rename, never half-written.
 */
export class OutboxMailer implements Mailer {
  readonly driver = 'outbox' as const;

  constructor(private readonly options: OutboxMailerOptions) {}

  async send(message: EmailMessage): Promise<SentEmail & { path: string }> {
    const m = parseEmailMessage(message);
    const id = randomUUID();
    const domain = this.options.from.split('@')[1] ?? 'pdf-studio.local';
    const messageId = `<${id}@${domain}>`;
    const date = new Date();
    const composer = new MailComposer({
      from: this.options.from,
      to: m.to,
      replyTo: m.replyTo,
      subject: m.subject,
      text: m.text,
      html: m.html,
      messageId,
      date,
      textEncoding: 'quoted-printable',
    });
    const raw = await composer.compile().build();
    await fs.mkdir(this.options.directory, { recursive: true });
    const name = `${date.toISOString().replace(/[:.]/g, '-')}-${id}.eml`;
    const target = path.join(this.options.directory, name);
    const tmp = path.join(this.options.directory, `.${name}.tmp`);
    await fs.writeFile(tmp, raw, { flag: 'wx' });
    await fs.rename(tmp, target);
    return { messageId, path: target };
  }
}

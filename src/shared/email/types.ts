import { z } from 'zod';

export const emailMessageSchema = z.object({
  to: z.union([z.string().email(), z.array(z.string().email()).min(1).max(50)]),
  subject: z.string().min(1).max(998),
  text: z.string(),
  html: z.string().optional(),
  replyTo: z.string().email().optional(),
});
export type EmailMessage = z.infer<typeof emailMessageSchema>;

export interface SentEmail {
  /** RFC 5322 Message-ID (outbox) or the SES MessageId. */
  messageId: string;
}

export interface Mailer {
  readonly driver: 'outbox' | 'ses';
  /** Validates and sends one message; throws ValidationError on a bad address or empty subject. */
  send(message: EmailMessage): Promise<SentEmail>;
}

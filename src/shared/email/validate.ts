import { ValidationError } from '@/shared/errors.js';
import { emailMessageSchema, type EmailMessage } from './types.js';

export function parseEmailMessage(message: EmailMessage): EmailMessage {
  const parsed = emailMessageSchema.safeParse(message);
  if (!parsed.success) {
    throw new ValidationError(
      'invalid email message',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message })),
    );
  }
  return parsed.data;
}

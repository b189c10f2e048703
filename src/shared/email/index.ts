import path from 'node:path';
import type { Config } from '@/shared/config/index.js';
import { OutboxMailer } from './outbox.js';
import { SesMailer } from './ses.js';
import type { Mailer } from './types.js';

export * from './types.js';
export { parseEmailMessage } from './validate.js';
export { OutboxMailer, type OutboxMailerOptions } from './outbox.js';
export { SesMailer, type SesMailerOptions } from './ses.js';

export interface CreateMailerOptions {
  /** SES driver: a ready client (tests). */
  sesClient?: SesMailer['client'];
}

/** The driver config.email.driver names: `<dataDir>/outbox` .eml files, or SES. */
export function createMailer(config: Pick<Config, 'email' | 'dataDir' | 'region'>, options: CreateMailerOptions = {}): Mailer {
  if (config.email.driver === 'ses') {
    return new SesMailer({ from: config.email.from, region: config.region, client: options.sesClient });
  }
  return new OutboxMailer({ directory: path.join(config.dataDir, 'outbox'), from: config.email.from });
}

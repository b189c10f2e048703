import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { EmailMessage, Mailer, SentEmail } from './types.js';
import { parseEmailMessage } from './validate.js';

export interface SesMailerOptions {
  from: string;
  region: string;
  client?: SESv2Client;
  /** SES configuration set (bounce/complaint tracking), when the deployment has one. */
  configurationSetName?: string;
}

/** SES v2 SendEmail with Simple content: SES builds the MIME itself, UTF-8 throughout. */
export class SesMailer implements Mailer {
  readonly driver = 'ses' as const;
  readonly client: SESv2Client;

  constructor(private readonly options: SesMailerOptions) {
    this.client = options.client ?? new SESv2Client({ region: options.region });
  }

  async send(message: EmailMessage): Promise<SentEmail> {
    const m = parseEmailMessage(message);
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.options.from,
        Destination: { ToAddresses: Array.isArray(m.to) ? m.to : [m.to] },
        ...(m.replyTo ? { ReplyToAddresses: [m.replyTo] } : {}),
        Content: {
          Simple: {
            Subject: { Data: m.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: m.text, Charset: 'UTF-8' },
              ...(m.html !== undefined ? { Html: { Data: m.html, Charset: 'UTF-8' } } : {}),
            },
          },
        },
        ...(this.options.configurationSetName ? { ConfigurationSetName: this.options.configurationSetName } : {}),
      }),
    );
    if (!out.MessageId) throw new Error('SES SendEmail returned no MessageId');
    return { messageId: out.MessageId };
  }
}

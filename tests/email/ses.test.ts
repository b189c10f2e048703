import { SendEmailCommand, SESv2Client, SESv2ServiceException } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '@/shared/config/index.js';
import { ValidationError } from '@/shared/errors.js';
import { createMailer, SesMailer } from '@/shared/email/index.js';

/**
 * SesMailer against a recorded contract: aws-sdk-client-mock intercepts the real SESv2Client's
 * send(), so the exact SendEmail input is asserted (no SES endpoint exists offline).
 */
const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

describe('SesMailer', () => {
  it('sends SendEmail with Simple UTF-8 content and returns the SES MessageId', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: '010001234567890a-abcdef-000000' });
    const mailer = new SesMailer({
      from: 'no-reply@pdf-studio.example.com',
      region: 'us-east-1',
      client: new SESv2Client({ region: 'us-east-1' }),
    });
    const sent = await mailer.send({
      to: 'a@example.com',
      subject: 'Grüße ✓',
      text: 'Hallo',
      html: '<p>Hallo</p>',
      replyTo: 'support@example.com',
    });
    expect(sent).toEqual({ messageId: '010001234567890a-abcdef-000000' });
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({
      FromEmailAddress: 'no-reply@pdf-studio.example.com',
      Destination: { ToAddresses: ['a@example.com'] },
      ReplyToAddresses: ['support@example.com'],
      Content: {
        Simple: {
          Subject: { Data: 'Grüße ✓', Charset: 'UTF-8' },
          Body: { Text: { Data: 'Hallo', Charset: 'UTF-8' }, Html: { Data: '<p>Hallo</p>', Charset: 'UTF-8' } },
        },
      },
    });
  });

  it('text-only with several recipients and a configuration set', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });
    const mailer = new SesMailer({
      from: 'f@example.com',
      region: 'eu-west-1',
      client: new SESv2Client({ region: 'eu-west-1' }),
      configurationSetName: 'pdf-studio-dev',
    });
    await mailer.send({ to: ['a@example.com', 'b@example.com'], subject: 's', text: 't' });
    expect(ses.commandCalls(SendEmailCommand)[0].args[0].input).toEqual({
      FromEmailAddress: 'f@example.com',
      Destination: { ToAddresses: ['a@example.com', 'b@example.com'] },
      Content: { Simple: { Subject: { Data: 's', Charset: 'UTF-8' }, Body: { Text: { Data: 't', Charset: 'UTF-8' } } } },
      ConfigurationSetName: 'pdf-studio-dev',
    });
  });

  it('propagates SES errors (the email worker retries them) and validates before calling SES', async () => {
    ses.on(SendEmailCommand).rejects(
      new SESv2ServiceException({
        name: 'TooManyRequestsException',
        $fault: 'client',
        $metadata: { httpStatusCode: 429 },
        message: 'Rate exceeded',
      }),
    );
    const mailer = new SesMailer({ from: 'f@example.com', region: 'us-east-1', client: new SESv2Client({ region: 'us-east-1' }) });
    await expect(mailer.send({ to: 'a@example.com', subject: 's', text: 't' })).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    ses.reset();
    await expect(mailer.send({ to: 'nope', subject: 's', text: 't' })).rejects.toBeInstanceOf(ValidationError);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('createMailer picks SES for EMAIL_DRIVER=ses with EMAIL_FROM', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-3' });
    const mailer = createMailer(loadConfig({ EMAIL_DRIVER: 'ses', EMAIL_FROM: 'studio@example.com' }), {
      sesClient: new SESv2Client({ region: 'us-east-1' }),
    });
    expect(mailer.driver).toBe('ses');
    await mailer.send({ to: 'a@example.com', subject: 's', text: 't' });
    expect(ses.commandCalls(SendEmailCommand)[0].args[0].input.FromEmailAddress).toBe('studio@example.com');
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@/shared/config/index.js';

describe('config', () => {
  it('unset means the embedded default', () => {
    const c = loadConfig({});
    expect(c.mode).toBe('embedded');
    expect(c.stage).toBe('dev');
    expect(c.database.url).toBeUndefined();
    expect(c.dynamodb.endpoint).toBeUndefined();
    expect(c.dynamodb.tables).toEqual({ templates: 'pdf-studio-templates-dev', fields: 'pdf-studio-fields-dev' });
    expect(c.storage.driver).toBe('local');
    expect(c.storage.buckets.generated).toBe('pdf-studio-generated-dev');
    expect(c.queue.driver).toBe('local');
    expect(c.email.driver).toBe('outbox');
    expect(c.limits.maxUploadBytes).toBe(50 * 1024 * 1024);
  });

  it('inside Lambda the managed services are the default', () => {
    const c = loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'pdf-studio-service-prod-api', STAGE: 'prod', AWS_REGION: 'us-west-2' });
    expect(c.mode).toBe('aws');
    expect(c.storage.driver).toBe('s3');
    expect(c.queue.driver).toBe('sqs');
    expect(c.email.driver).toBe('ses');
    expect(c.dynamodb.region).toBe('us-west-2');
    expect(c.dynamodb.tables.templates).toBe('pdf-studio-templates-prod');
  });

  it('builds DATABASE_URL from DB_HOST, DB_PORT, DB_NAME, DB_USER and DB_PASSWORD when it is not given', () => {
    const c = loadConfig({
      DB_HOST: 'db.example.internal',
      DB_USER: 'pdf_studio_user',
      DB_PASSWORD: 'p@ss word',
      DB_NAME: 'pdf_studio_dev',
    });
    expect(c.database.url).toBe('postgresql://pdf_studio_user:p%40ss%20word@db.example.internal:5432/pdf_studio_dev');
    expect(loadConfig({ DATABASE_URL: 'postgresql://a@b/c', DB_HOST: 'x' }).database.url).toBe('postgresql://a@b/c');
  });

  it('parses the comma-separated list variables (SUBNET_IDS)', () => {
    const c = loadConfig({ SUBNET_IDS: 'subnet-0a1, subnet-0b2', VPC_ID: 'vpc-0abc', SECURITY_GROUP_ID: 'sg-0123' });
    expect(c.env.SUBNET_IDS).toEqual(['subnet-0a1', 'subnet-0b2']);
  });

  it('lists every invalid variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        STAGE: 'Prod!',
        DATABASE_URL: 'mysql://x',
        S3_BUCKET: 'Bad_Bucket',
        JWT_SECRET: 'short',
        PDF_GENERATION_QUEUE_URL: 'not a url',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const vars = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(vars).toEqual(['DATABASE_URL', 'JWT_SECRET', 'PDF_GENERATION_QUEUE_URL', 'PORT', 'S3_BUCKET', 'STAGE']);
    expect((error as Error).message).toContain('PORT');
    expect((error as Error).message).toContain('S3_BUCKET');
  });

  it('parses the webhook and notification-email allow-lists, refusing entries that are neither hosts, IPs nor networks', () => {
    const c = loadConfig({ WEBHOOK_ALLOWED_HOSTS: 'Hooks.Internal, 10.1.0.0/16, ::1', NOTIFY_EMAIL_ALLOWED_DOMAINS: 'Example.com' });
    expect(c.notifications).toEqual({
      webhookAllowedHosts: ['hooks.internal', '10.1.0.0/16', '::1'],
      emailAllowedDomains: ['example.com'],
    });
    expect(loadConfig({}).notifications).toEqual({ webhookAllowedHosts: [], emailAllowedDomains: [] });
    for (const bad of ['10.1.0.0/33', 'http://hooks.internal', 'under_score.test']) {
      expect(() => loadConfig({ WEBHOOK_ALLOWED_HOSTS: bad }), bad).toThrow(/WEBHOOK_ALLOWED_HOSTS/);
    }
    expect(() => loadConfig({ NOTIFY_EMAIL_ALLOWED_DOMAINS: 'localhost' })).toThrow(/NOTIFY_EMAIL_ALLOWED_DOMAINS/);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).http.port).toBe(3000);
  });

  it('bounds HTTP requests by default, and refuses headers allowed longer than the whole request', () => {
    expect(loadConfig({}).http.timeouts).toEqual({ requestMs: 120_000, headersMs: 20_000, connectionMs: 90_000, keepAliveMs: 5_000 });
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '2000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
  });
});

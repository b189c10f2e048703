import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * Every environment variable the service reads, in one zod schema. "Unset" always means the
 * embedded default (PGlite, local DynamoDB-compatible server, local directory, local queue), so
 * `npm start` needs no configuration; production sets the variables the deployment wires in.
 */

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodTypeAny>(t: T) => z.preprocess(emptyToUndefined, t.optional());
const withDefault = <T extends z.ZodTypeAny>(t: T, d: z.input<T>) => z.preprocess(emptyToUndefined, t.default(d as never));
const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
const url = z.string().url();
const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

/** A host name, an IP address or a CIDR network (WEBHOOK_ALLOWED_HOSTS). */
const hostOrNetwork = z
  .string()
  .transform((s) => s.toLowerCase())
  .refine(
    (s) =>
      s.includes('/')
        ? ipaddr.isValidCIDR(s)
        : isIP(s) !== 0 || /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(s),
    'comma-separated host names, IP addresses or CIDR networks (e.g. hooks.internal,10.1.0.0/16)',
  );
/** An IP address or a CIDR network (TRUSTED_PROXIES). */
const ipOrNetwork = z
  .string()
  .refine(
    (s) => (s.includes('/') ? ipaddr.isValidCIDR(s) : isIP(s) !== 0),
    'comma-separated IP addresses or CIDR networks (e.g. 10.0.0.0/8)',
  );
const domain = z
  .string()
  .transform((s) => s.toLowerCase())
  .refine(
    (s) => /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/.test(s),
    'comma-separated email domains (e.g. example.com)',
  );

export const envSchema = z.object({
  // Stage and region
  STAGE: withDefault(
    z.string().regex(/^[a-z][a-z0-9-]{0,15}$/, 'lowercase letters, digits and dashes, starting with a letter (≤16)'),
    'dev',
  ),
  AWS_REGION: withDefault(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as us-east-1'), 'us-east-1'),
  /** embedded: everything local in one process; aws: the managed services. Defaults to aws inside Lambda. */
  PDF_STUDIO_MODE: opt(z.enum(['embedded', 'aws'])),
  AWS_LAMBDA_FUNCTION_NAME: opt(z.string()),

  // PostgreSQL. DATABASE_URL wins; else DB_HOST…; else embedded PGlite.
  DATABASE_URL: opt(z.string().regex(/^postgres(ql)?:\/\//, 'a postgresql:// connection URL')),
  DB_HOST: opt(z.string()),
  DB_PORT: withDefault(intIn(1, 65535), 5432),
  DB_NAME: opt(z.string()),
  DB_USER: opt(z.string()),
  DB_PASSWORD: opt(z.string()),
  /** ARN of a Secrets Manager secret holding {username, password} (RDS-managed credentials). */
  DB_SECRET_ARN: opt(z.string().startsWith('arn:')),
  DB_SSL: opt(z.enum(['disable', 'require', 'verify-full'])),
  DB_POOL_MAX: withDefault(intIn(1, 100), 10),

  // DynamoDB + local endpoint override
  DYNAMODB_REGION: opt(z.string()),
  DYNAMODB_ENDPOINT: opt(url),

  // SQS + local endpoint override
  PDF_GENERATION_QUEUE_URL: opt(url),
  FILE_PROCESSING_QUEUE_URL: opt(url),
  CLEANUP_QUEUE_URL: opt(url),
  EMAIL_NOTIFICATIONS_QUEUE_URL: opt(url),
  SQS_ENDPOINT: opt(url),
  QUEUE_DRIVER: opt(z.enum(['local', 'sqs'])),
  /** Local queue: seconds a delivery stays leased without its process's heartbeat (crash recovery time). */
  QUEUE_LEASE_SECONDS: opt(intIn(2, 300)),

  // S3 + local endpoint override
  S3_UPLOAD_BUCKET: opt(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a valid S3 bucket name')),
  S3_GENERATED_BUCKET: opt(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a valid S3 bucket name')),
  S3_BUCKET: opt(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a valid S3 bucket name')),
  S3_ENDPOINT: opt(url),
  S3_FORCE_PATH_STYLE: opt(bool),
  STORAGE_DRIVER: opt(z.enum(['local', 's3'])),
  /** Seconds one storage operation keeps retrying a passing fault (a full disk, S3 throttling) before it fails. */
  STORAGE_RETRY_SECONDS: opt(intIn(0, 600)),

  // Email
  EMAIL_DRIVER: opt(z.enum(['outbox', 'ses'])),
  EMAIL_FROM: withDefault(z.string().email(), 'no-reply@pdf-studio.local'),
  /** RFC 3161 timestamp authorities PAdES B-T may use (comma-separated); the first is the default. */
  TIMESTAMP_AUTHORITY_URLS: opt(csv.pipe(z.array(url))),
  /**
   * Job webhooks may only target public addresses; these hosts (exact names) and networks (CIDR,
   * or one IP) are let through as well, for deployments whose receivers are internal.
   */
  WEBHOOK_ALLOWED_HOSTS: opt(csv.pipe(z.array(hostOrNetwork))),
  /** A job's notifyEmail may be the account's own address, or one at these domains. */
  NOTIFY_EMAIL_ALLOWED_DOMAINS: opt(csv.pipe(z.array(domain))),

  // VPC (informational at runtime, wired by the deployment)
  VPC_ID: opt(z.string().regex(/^vpc-[0-9a-f]+$/, 'vpc-…')),
  SUBNET_IDS: opt(csv.pipe(z.array(z.string().regex(/^subnet-[0-9a-f]+$/, 'subnet-…')))),
  SECURITY_GROUP_ID: opt(z.string().regex(/^sg-[0-9a-f]+$/, 'sg-…')),

  // Service
  DATA_DIR: withDefault(z.string(), './.data'),
  HOST: withDefault(z.string(), '127.0.0.1'),
  PORT: withDefault(intIn(0, 65535), 3000),
  PUBLIC_URL: opt(url),
  LOG_LEVEL: withDefault(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  CORS_ORIGINS: opt(csv),
  /** Proxies whose X-Forwarded-For is believed: IP addresses or CIDR networks. */
  TRUSTED_PROXIES: opt(csv.pipe(z.array(ipOrNetwork))),
  JWT_SECRET: opt(z.string().min(32, 'at least 32 characters')),
  JWT_SECRET_ARN: opt(z.string().startsWith('arn:')),
  /** Seals stored signing certificates (AES-256-GCM): 32 bytes as base64 or hex, or a ≥ 32-character passphrase. Default: derived from the JWT secret. */
  CERTIFICATE_ENCRYPTION_KEY: opt(z.string().min(32, 'at least 32 characters')),
  /** Secrets Manager secret holding CERTIFICATE_ENCRYPTION_KEY (plain, or JSON {"key": "…"}). */
  CERTIFICATE_ENCRYPTION_KEY_ARN: opt(z.string().startsWith('arn:')),
  JWT_ACCESS_TTL_SECONDS: withDefault(intIn(60, 86_400), 900),
  JWT_REFRESH_TTL_SECONDS: withDefault(intIn(3600, 31_536_000), 2_592_000),
  MAX_UPLOAD_BYTES: withDefault(intIn(1024, 1024 ** 3), 50 * 1024 * 1024),
  /** Longest text value a field takes (characters); longer values are refused with 422 value_too_long. */
  MAX_FIELD_VALUE_CHARS: withDefault(intIn(1, 10_000_000), 200_000),
  /** Declared width × height of an image field's value; larger ones are refused (422 image_too_large) before decoding. */
  MAX_IMAGE_PIXELS: withDefault(intIn(1, 1_000_000_000), 25_000_000),
  /** Decoded size of an image field's value (bytes); larger ones are refused like MAX_IMAGE_PIXELS. */
  MAX_IMAGE_BYTES: withDefault(intIn(1024, 16 * 1024 ** 3), 128 * 1024 * 1024),
  /** Points of one drawn signature, all strokes together. */
  MAX_SIGNATURE_POINTS: withDefault(intIn(1, 10_000_000), 50_000),
  /** Rows of one table field, or items of one repeating group, in one document (422 payload_invalid too_many_rows past it). */
  MAX_TABLE_ROWS: withDefault(intIn(1, 1_000_000), 10_000),
  /** Pages of one generated document, continuation pages of tables, groups and continuing text included (422 document_too_many_pages). */
  MAX_DOCUMENT_PAGES: withDefault(intIn(1, 100_000), 500),
  /** Engine worker threads (rendering and inspection off the request thread); 0 = on the request thread. Default: cores − 1, 1..4. */
  ENGINE_THREADS: opt(intIn(0, 64)),
  /** Records per job queue message (a chunk: one fetch, one claim and one completion statement); also bounded to 256 KB of data. */
  JOB_CHUNK_RECORDS: withDefault(intIn(1, 1000), 100),
  /** Job messages (chunks) one process handles at once; their records share the engine threads. */
  JOB_CONCURRENCY: withDefault(intIn(1, 64), 2),
  /** Heap budget of one engine thread (MB); a document needing more fails alone (render_timeout / inspect_timeout). */
  ENGINE_HEAP_MB: withDefault(intIn(64, 16_384), 1024),
  /** Time budget of one document's rendering, and of one upload's inspection (ms). */
  RENDER_TIMEOUT_MS: withDefault(intIn(100, 600_000), 30_000),
  INSPECT_TIMEOUT_MS: withDefault(intIn(100, 600_000), 60_000),
  PDF_RETENTION_DAYS: withDefault(intIn(1, 3650), 30),
  /** Days a deleted template can be restored (POST /api/templates/:id/restore) before DynamoDB's TTL removes it. */
  TEMPLATE_UNDO_DAYS: withDefault(intIn(1, 365), 30),
  RATE_LIMIT_PER_MINUTE: withDefault(intIn(1, 1_000_000), 600),
  /** Whole request (headers and body) must arrive within this (ms), or the answer is 408 and the socket closes. */
  HTTP_REQUEST_TIMEOUT_MS: withDefault(intIn(100, 3_600_000), 120_000),
  /** Request headers must arrive within this (ms); at most HTTP_REQUEST_TIMEOUT_MS. */
  HTTP_HEADERS_TIMEOUT_MS: withDefault(intIn(100, 3_600_000), 20_000),
  /** A socket silent this long is closed (ms). Longer than RENDER_TIMEOUT_MS and INSPECT_TIMEOUT_MS: a socket is silent while its request renders. */
  HTTP_CONNECTION_TIMEOUT_MS: withDefault(intIn(100, 3_600_000), 90_000),
  /** An idle keep-alive socket is closed after this (ms). */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: withDefault(intIn(100, 600_000), 5_000),
});

export type Env = z.infer<typeof envSchema>;

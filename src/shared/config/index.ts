import os from 'node:os';
import path from 'node:path';
import { envSchema, type Env } from './schema.js';

export type Mode = 'embedded' | 'aws';

export interface Config {
  env: Env;
  stage: string;
  mode: Mode;
  region: string;
  dataDir: string;
  database: { url: string | undefined; poolMax: number; ssl: Env['DB_SSL'] };
  dynamodb: { region: string; endpoint: string | undefined; tables: { templates: string; fields: string } };
  storage: {
    driver: 'local' | 's3';
    endpoint: string | undefined;
    forcePathStyle: boolean;
    buckets: { uploads: string; generated: string; files: string };
    /** How long one storage operation rides out a passing fault. */
    retrySeconds: number;
  };
  queue: {
    driver: 'local' | 'sqs';
    endpoint: string | undefined;
    /** Local queue (pg-boss): how long a delivery of a dead process stays invisible. */
    leaseSeconds: number;
    urls: { pdfGeneration?: string; fileProcessing?: string; cleanup?: string; emailNotifications?: string };
  };
  email: { driver: 'outbox' | 'ses'; from: string };
  http: {
    host: string;
    port: number;
    publicUrl: string | undefined;
    corsOrigins: string[] | undefined;
    /** Proxies whose X-Forwarded-For is believed (addresses or CIDR networks); unset: none (all in AWS). */
    trustedProxies: string[] | undefined;
    rateLimitPerMinute: number;
    /** Milliseconds; a client that sends slower than these is cut off, so it cannot hold a socket for ever. */
    timeouts: { requestMs: number; headersMs: number; connectionMs: number; keepAliveMs: number };
  };
  auth: {
    jwtSecret: string | undefined;
    jwtSecretArn: string | undefined;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    /** The key sealing stored signing certificates, or where it is; both unset: derived from the JWT secret. */
    certificateKey: string | undefined;
    certificateKeyArn: string | undefined;
  };
  limits: {
    maxUploadBytes: number;
    pdfRetentionDays: number;
    /** Days a deleted template stays restorable (its items' DynamoDB ttl). */
    templateUndoDays: number;
    maxFieldValueChars: number;
    maxImagePixels: number;
    maxImageBytes: number;
    maxSignaturePoints: number;
    maxTableRows: number;
    maxDocumentPages: number;
  };
  /** Timestamp authorities signatures may call: only these, so a template cannot make the server post elsewhere. */
  output: { timestampUrls: string[] };
  /** Where job webhooks and notification emails may go beyond the defaults (public addresses; the account's own email). */
  notifications: { webhookAllowedHosts: string[]; emailAllowedDomains: string[] };
  /** Engine worker pool: threads (0 = none), per-thread heap and per-document time budgets. */
  engine: { threads: number; heapMb: number; renderTimeoutMs: number; inspectTimeoutMs: number };
  /** Job records per queue message, and job messages handled at once per process. */
  jobs: { chunkRecords: number; concurrency: number };
  logLevel: Env['LOG_LEVEL'];
}

/** Every invalid variable at once, so one start-up attempt tells the operator everything. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function databaseUrl(env: Env): string | undefined {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  if (!env.DB_HOST) return undefined;
  const user = encodeURIComponent(env.DB_USER ?? 'postgres');
  const pass = env.DB_PASSWORD ? `:${encodeURIComponent(env.DB_PASSWORD)}` : '';
  return `postgresql://${user}${pass}@${env.DB_HOST}:${env.DB_PORT}/${env.DB_NAME ?? `pdf_studio_${env.STAGE}`}`;
}

/** Pure: parses an environment into a Config or throws ConfigError listing every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message })));
  }
  const env = parsed.data;
  // Node refuses to create a server whose headers may take longer than the whole request.
  if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError([{ variable: 'HTTP_HEADERS_TIMEOUT_MS', message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS' }]);
  }
  const mode: Mode = env.PDF_STUDIO_MODE ?? (env.AWS_LAMBDA_FUNCTION_NAME ? 'aws' : 'embedded');
  const stage = env.STAGE;
  const aws = mode === 'aws';
  return {
    env,
    stage,
    mode,
    region: env.AWS_REGION,
    dataDir: path.resolve(env.DATA_DIR),
    database: { url: databaseUrl(env), poolMax: env.DB_POOL_MAX, ssl: env.DB_SSL },
    dynamodb: {
      region: env.DYNAMODB_REGION ?? env.AWS_REGION,
      endpoint: env.DYNAMODB_ENDPOINT,
      tables: { templates: `pdf-studio-templates-${stage}`, fields: `pdf-studio-fields-${stage}` },
    },
    storage: {
      driver: env.STORAGE_DRIVER ?? (aws ? 's3' : 'local'),
      endpoint: env.S3_ENDPOINT,
      forcePathStyle: env.S3_FORCE_PATH_STYLE ?? Boolean(env.S3_ENDPOINT),
      retrySeconds: env.STORAGE_RETRY_SECONDS ?? 30,
      buckets: {
        uploads: env.S3_UPLOAD_BUCKET ?? `pdf-studio-uploads-${stage}`,
        generated: env.S3_GENERATED_BUCKET ?? `pdf-studio-generated-${stage}`,
        files: env.S3_BUCKET ?? `pdf-studio-files-${stage}`,
      },
    },
    queue: {
      driver: env.QUEUE_DRIVER ?? (aws ? 'sqs' : 'local'),
      endpoint: env.SQS_ENDPOINT,
      leaseSeconds: env.QUEUE_LEASE_SECONDS ?? 20,
      urls: {
        pdfGeneration: env.PDF_GENERATION_QUEUE_URL,
        fileProcessing: env.FILE_PROCESSING_QUEUE_URL,
        cleanup: env.CLEANUP_QUEUE_URL,
        emailNotifications: env.EMAIL_NOTIFICATIONS_QUEUE_URL,
      },
    },
    email: { driver: env.EMAIL_DRIVER ?? (aws ? 'ses' : 'outbox'), from: env.EMAIL_FROM },
    http: {
      host: env.HOST,
      port: env.PORT,
      publicUrl: env.PUBLIC_URL,
      corsOrigins: env.CORS_ORIGINS,
      trustedProxies: env.TRUSTED_PROXIES,
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      timeouts: {
        requestMs: env.HTTP_REQUEST_TIMEOUT_MS,
        headersMs: env.HTTP_HEADERS_TIMEOUT_MS,
        connectionMs: env.HTTP_CONNECTION_TIMEOUT_MS,
        keepAliveMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      },
    },
    auth: {
      jwtSecret: env.JWT_SECRET,
      jwtSecretArn: env.JWT_SECRET_ARN,
      accessTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: env.JWT_REFRESH_TTL_SECONDS,
      certificateKey: env.CERTIFICATE_ENCRYPTION_KEY,
      certificateKeyArn: env.CERTIFICATE_ENCRYPTION_KEY_ARN,
    },
    limits: {
      maxUploadBytes: env.MAX_UPLOAD_BYTES,
      pdfRetentionDays: env.PDF_RETENTION_DAYS,
      templateUndoDays: env.TEMPLATE_UNDO_DAYS,
      maxFieldValueChars: env.MAX_FIELD_VALUE_CHARS,
      maxImagePixels: env.MAX_IMAGE_PIXELS,
      maxImageBytes: env.MAX_IMAGE_BYTES,
      maxSignaturePoints: env.MAX_SIGNATURE_POINTS,
      maxTableRows: env.MAX_TABLE_ROWS,
      maxDocumentPages: env.MAX_DOCUMENT_PAGES,
    },
    output: { timestampUrls: env.TIMESTAMP_AUTHORITY_URLS ?? [] },
    notifications: { webhookAllowedHosts: env.WEBHOOK_ALLOWED_HOSTS ?? [], emailAllowedDomains: env.NOTIFY_EMAIL_ALLOWED_DOMAINS ?? [] },
    engine: {
      // One core stays with the request thread.
      threads: env.ENGINE_THREADS ?? Math.max(1, Math.min(4, os.availableParallelism() - 1)),
      heapMb: env.ENGINE_HEAP_MB,
      renderTimeoutMs: env.RENDER_TIMEOUT_MS,
      inspectTimeoutMs: env.INSPECT_TIMEOUT_MS,
    },
    jobs: { chunkRecords: env.JOB_CHUNK_RECORDS, concurrency: env.JOB_CONCURRENCY },
    logLevel: env.LOG_LEVEL,
  };
}

let cached: Config | undefined;

/** The process-wide configuration, read once. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}

/** For tests that change the environment between cases. */
export function resetConfigForTests(): void {
  cached = undefined;
}

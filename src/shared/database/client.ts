import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type TranslateConfig } from '@aws-sdk/lib-dynamodb';
import { getConfig } from '@/shared/config/index.js';

/**
 * DynamoDB clients (SDK v3). One pair per process, created on first use and then reused: on Lambda
 * the module scope survives between invocations, so the TLS connection pool (keep-alive is the
 * SDK default) is reused instead of being rebuilt per request.
 */

export interface DynamoClients {
  client: DynamoDBClient;
  docClient: DynamoDBDocumentClient;
  endpoint: string | undefined;
  region: string;
}

export interface DynamoClientOptions {
  region?: string;
  /** Endpoint override: the in-process local server, tests, or any DynamoDB-compatible service. */
  endpoint?: string;
  credentials?: DynamoDBClientConfig['credentials'];
  maxAttempts?: number;
}

/**
 * Marshalling: `undefined` properties (optional fields of zod outputs) are dropped instead of
 * failing the request. Class instances are NOT silently turned into maps: entities are plain zod
 * outputs, so a class instance reaching the database is a bug we want to see.
 */
export const TRANSLATE_CONFIG: TranslateConfig = {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false, convertEmptyValues: false },
  unmarshallOptions: { wrapNumbers: false },
};

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

function isLoopback(endpoint: string): boolean {
  try {
    return LOOPBACK.has(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** A new client pair for an explicit endpoint/region (tests, the embedded runtime, scripts). */
export function createDynamoClients(options: DynamoClientOptions = {}): DynamoClients {
  const region = options.region ?? getConfig().dynamodb.region;
  const endpoint = options.endpoint;
  let credentials = options.credentials;
  // A local server accepts any signature; without this the SDK's credential chain would fail on a
  // machine with no AWS credentials at all (our dev machines and CI).
  if (!credentials && endpoint && isLoopback(endpoint) && !process.env.AWS_ACCESS_KEY_ID) {
    credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  const client = new DynamoDBClient({
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    maxAttempts: options.maxAttempts ?? 3,
  });
  const docClient = DynamoDBDocumentClient.from(client, TRANSLATE_CONFIG);
  return { client, docClient, endpoint, region };
}

let defaults: DynamoClients | undefined;
let generation = 0;

/** The process-wide clients, from config.dynamodb (region, endpoint) unless replaced. */
export function getDynamoClients(): DynamoClients {
  if (!defaults) {
    const { region, endpoint } = getConfig().dynamodb;
    defaults = createDynamoClients({ region, endpoint });
    generation++;
  }
  return defaults;
}

export function getDocumentClient(): DynamoDBDocumentClient {
  return getDynamoClients().docClient;
}

/**
 * Replaces the process-wide clients, e.g. once the embedded runtime knows the port of its local
 * server. Repositories bound lazily (ddb/index.ts) follow the change on their next call.
 */
export function setDynamoClients(clients: DynamoClients | { endpoint?: string; region?: string }): DynamoClients {
  const next = 'docClient' in clients ? clients : createDynamoClients(clients);
  if (defaults && defaults !== next) defaults.client.destroy();
  defaults = next;
  generation++;
  return next;
}

/** Changes whenever the default clients are replaced (lazy singletons compare it). */
export function dynamoClientsGeneration(): number {
  return generation;
}

/** Forgets (and closes) the process-wide clients; the next call re-reads the config. */
export function resetDynamoClients(): void {
  defaults?.client.destroy();
  defaults = undefined;
  generation++;
}

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getConfig } from '@/shared/config/index.js';
import { dynamoClientsGeneration, getDynamoClients } from '../client.js';
import type { BatchRetryOptions } from '../repository.js';
import { FieldsRepository } from './fields-repository.js';
import { tableNames, type TableNames } from './tables.js';
import { TemplatesRepository } from './templates-repository.js';

/**
 * DynamoDB exports. The singletons (`templatesRepository`, `fieldsRepository`) bind lazily
 * to the configured clients on first use, and rebind if the process-wide clients are replaced
 * (setDynamoClients, e.g. once the embedded server's port is known). Tests and tools construct
 * their own with createDdbRepositories. As with the Prisma singletons, the product itself never
 * imports them: runtime/ builds its set with createDdbRepositories.
 */

export interface DdbRepositories {
  templates: TemplatesRepository;
  fields: FieldsRepository;
}

export interface CreateDdbRepositoriesOptions {
  docClient: DynamoDBDocumentClient;
  /** Either a stage (tables `pdf-studio-{templates,fields}-{stage}`) or explicit table names. */
  stage?: string;
  tables?: TableNames;
  batch?: Partial<BatchRetryOptions>;
}

export function createDdbRepositories(options: CreateDdbRepositoriesOptions): DdbRepositories {
  const tables = options.tables ?? (options.stage ? tableNames(options.stage) : undefined);
  if (!tables) throw new Error('createDdbRepositories needs a stage or table names');
  const fields = new FieldsRepository({ docClient: options.docClient, tableName: tables.fields, batch: options.batch });
  const templates = new TemplatesRepository({ docClient: options.docClient, tableName: tables.templates, fields, batch: options.batch });
  return { templates, fields };
}

let bound: { generation: number; repos: DdbRepositories } | undefined;

export function getDdbRepositories(): DdbRepositories {
  const { docClient } = getDynamoClients(); // first, since creating the clients bumps the generation
  const generation = dynamoClientsGeneration();
  if (bound?.generation !== generation) {
    bound = { generation, repos: createDdbRepositories({ docClient, tables: getConfig().dynamodb.tables }) };
  }
  return bound.repos;
}

function lazy<T extends object>(resolve: () => T): T {
  return new Proxy({} as T, {
    get(_target, prop) {
      const target = resolve();
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export const templatesRepository: TemplatesRepository = lazy(() => getDdbRepositories().templates);
export const fieldsRepository: FieldsRepository = lazy(() => getDdbRepositories().fields);

export { TemplatesRepository, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, type ListOptions } from './templates-repository.js';
export { FieldsRepository, FieldsNotInTemplateError, type UpsertFieldInput } from './fields-repository.js';
export { ensureTables, type EnsuredTable, type EnsureTablesOptions } from './bootstrap.js';
// Deliberately NOT re-exported: ./local-server.js and ./embedded.js (dynalite + LevelDB's native
// binding). Lambda bundles import this barrel and must not drag a local database server along;
// the embedded runtime and tests import those modules directly.
export {
  tableDefinitions,
  tableName,
  tableNames,
  tableKeys,
  TTL_ATTRIBUTE,
  type TableKey,
  type TableNames,
  type TableDefinition,
} from './tables.js';
export * from './entities/base-entity.js';
export * from './entities/template-entity.js';
export * from './entities/field-entity.js';
export { encodeCursor, decodeCursor } from './cursor.js';
export { cond, ExpressionContext, buildUpdateExpression, type Condition } from './expressions.js';
export { DynamoRepository, BatchIncompleteError, type Page, type Key } from '../repository.js';

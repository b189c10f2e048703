import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The DynamoDB tables, defined once. Local bootstrap passes these to CreateTable; the
 * infrastructure code turns the same objects into CloudFormation (AWS::DynamoDB::Table), so the
 * deployed tables and the code can never disagree about keys and indexes.
 */

export const TTL_ATTRIBUTE = 'ttl';

export type TableKey = 'templates' | 'fields';

export interface TableDefinition {
  key: TableKey;
  /** CreateTable input without BillingMode/ProvisionedThroughput (chosen per environment). */
  create: Omit<CreateTableCommandInput, 'BillingMode' | 'ProvisionedThroughput'>;
  ttlAttribute: string;
}

export function tableName(key: TableKey, stage: string): string {
  return `pdf-studio-${key}-${stage}`;
}

export function tableDefinitions(stage: string): Record<TableKey, TableDefinition> {
  return {
    templates: {
      key: 'templates',
      ttlAttribute: TTL_ATTRIBUTE,
      create: {
        TableName: tableName('templates', stage),
        AttributeDefinitions: [
          { AttributeName: 'templateId', AttributeType: 'S' },
          { AttributeName: 'userId', AttributeType: 'S' },
          { AttributeName: 'status', AttributeType: 'S' },
          { AttributeName: 'createdAt', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'templateId', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'UserIdIndex',
            KeySchema: [
              { AttributeName: 'userId', KeyType: 'HASH' },
              { AttributeName: 'createdAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: 'StatusIndex',
            KeySchema: [
              { AttributeName: 'status', KeyType: 'HASH' },
              { AttributeName: 'createdAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      },
    },
    fields: {
      key: 'fields',
      ttlAttribute: TTL_ATTRIBUTE,
      create: {
        TableName: tableName('fields', stage),
        AttributeDefinitions: [
          { AttributeName: 'fieldId', AttributeType: 'S' },
          { AttributeName: 'templateId', AttributeType: 'S' },
          { AttributeName: 'type', AttributeType: 'S' },
          { AttributeName: 'sortKey', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'fieldId', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'TemplateIdIndex',
            // sortKey = zero-padded page + layerOrder + fieldId, so a query returns fields in paint order.
            KeySchema: [
              { AttributeName: 'templateId', KeyType: 'HASH' },
              { AttributeName: 'sortKey', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: 'TypeIndex',
            KeySchema: [
              { AttributeName: 'type', KeyType: 'HASH' },
              { AttributeName: 'templateId', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      },
    },
  };
}

export type TableNames = Record<TableKey, string>;

/** Both table names of a stage. */
export function tableNames(stage: string): TableNames {
  return { templates: tableName('templates', stage), fields: tableName('fields', stage) };
}

/** Key attributes of a table and of each of its GSIs, read from the one definition above. */
export function tableKeys(key: TableKey): { keyAttributes: string[]; indexes: Record<string, { hash: string; range?: string }> } {
  const create = tableDefinitions('keys')[key].create;
  const hashThenRange = (schema: { AttributeName?: string; KeyType?: string }[] = []) =>
    [...schema].sort((a, b) => (a.KeyType === 'HASH' ? -1 : 1) - (b.KeyType === 'HASH' ? -1 : 1)).map((k) => String(k.AttributeName));
  const indexes: Record<string, { hash: string; range?: string }> = {};
  for (const gsi of create.GlobalSecondaryIndexes ?? []) {
    const [hash, range] = hashThenRange(gsi.KeySchema);
    indexes[String(gsi.IndexName)] = range ? { hash, range } : { hash };
  }
  return { keyAttributes: hashThenRange(create.KeySchema), indexes };
}

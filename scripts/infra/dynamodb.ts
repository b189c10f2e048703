/**
 * infrastructure/resources/dynamodb.yml, generated from the table definitions in
 * src/shared/database/ddb/tables.ts (the single source; local bootstrap uses the same objects).
 * Stage-dependent values stay serverless variables (`${sls:stage}`, `${self:custom.stage...}`),
 * so one generated file serves every stage. Intrinsic functions are written in long form
 * (Fn::If, Ref) so the YAML needs no CloudFormation tags.
 */
import type { GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { tableDefinitions, type TableDefinition, type TableKey } from '@/shared/database/ddb/tables.js';
import { STAGE_VAR, TABLE_LOGICAL_IDS } from './catalog.js';

export const PROVISIONED_CONDITION = 'DynamoDbProvisioned';
const NO_VALUE = { Ref: 'AWS::NoValue' };
const STAGE_DYNAMO = '${self:custom.stage.dynamodb';

/** Keys of CreateTableCommandInput this generator translates; anything else must fail loudly. */
const SUPPORTED_KEYS = new Set(['TableName', 'AttributeDefinitions', 'KeySchema', 'GlobalSecondaryIndexes', 'LocalSecondaryIndexes']);

const capacityIfProvisioned = () => ({
  'Fn::If': [
    PROVISIONED_CONDITION,
    { ReadCapacityUnits: `${STAGE_DYNAMO}.minCapacity}`, WriteCapacityUnits: `${STAGE_DYNAMO}.minCapacity}` },
    NO_VALUE,
  ],
});

function tableResource(def: TableDefinition): Record<string, unknown> {
  const unknown = Object.keys(def.create).filter((k) => !SUPPORTED_KEYS.has(k));
  if (unknown.length) throw new Error(`tables.ts ${def.key}: no CloudFormation mapping for ${unknown.join(', ')}`);
  const c = def.create;
  return {
    Type: 'AWS::DynamoDB::Table',
    DeletionPolicy: '${self:custom.stage.retainOnDelete}',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      TableName: c.TableName,
      BillingMode: `${STAGE_DYNAMO}.billingMode}`,
      ProvisionedThroughput: capacityIfProvisioned(),
      AttributeDefinitions: c.AttributeDefinitions,
      KeySchema: c.KeySchema,
      ...(c.GlobalSecondaryIndexes?.length
        ? { GlobalSecondaryIndexes: c.GlobalSecondaryIndexes.map((g) => ({ ...g, ProvisionedThroughput: capacityIfProvisioned() })) }
        : {}),
      ...(c.LocalSecondaryIndexes?.length ? { LocalSecondaryIndexes: c.LocalSecondaryIndexes } : {}),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: '${self:custom.stage.deletionProtection}',
      Tags: [
        { Key: 'Project', Value: 'pdf-studio' },
        { Key: 'Stage', Value: STAGE_VAR },
      ],
    },
  };
}

function pascal(s: string): string {
  return s.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_m, _p, c: string) => c.toUpperCase());
}

/** Target tracking on read and write capacity of the table and each GSI (only when provisioned). */
function autoScaling(key: TableKey, def: TableDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const tableId = TABLE_LOGICAL_IDS[key];
  const targets: { id: string; resourceId: string; kind: 'table' | 'index' }[] = [
    { id: tableId, resourceId: `table/${def.create.TableName}`, kind: 'table' },
    ...(def.create.GlobalSecondaryIndexes ?? []).map((g: GlobalSecondaryIndex) => ({
      id: `${tableId}${pascal(g.IndexName ?? '')}`,
      resourceId: `table/${def.create.TableName}/index/${g.IndexName}`,
      kind: 'index' as const,
    })),
  ];
  for (const t of targets) {
    for (const dim of ['Read', 'Write'] as const) {
      const targetId = `${t.id}${dim}ScalableTarget`;
      out[targetId] = {
        Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
        Condition: PROVISIONED_CONDITION,
        DependsOn: tableId,
        Properties: {
          ServiceNamespace: 'dynamodb',
          ResourceId: t.resourceId,
          ScalableDimension: `dynamodb:${t.kind}:${dim}CapacityUnits`,
          MinCapacity: `${STAGE_DYNAMO}.minCapacity}`,
          MaxCapacity: `${STAGE_DYNAMO}.maxCapacity}`,
        },
      };
      out[`${t.id}${dim}ScalingPolicy`] = {
        Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
        Condition: PROVISIONED_CONDITION,
        Properties: {
          PolicyName: `${t.resourceId.replace(/\//g, '-')}-${dim.toLowerCase()}`,
          PolicyType: 'TargetTrackingScaling',
          ScalingTargetId: { Ref: targetId },
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 70,
            PredefinedMetricSpecification: { PredefinedMetricType: `DynamoDB${dim}CapacityUtilization` },
          },
        },
      };
    }
  }
  return out;
}

export function dynamodbResources(): Record<string, unknown> {
  const defs = tableDefinitions(STAGE_VAR);
  const resources: Record<string, unknown> = {};
  const outputs: Record<string, unknown> = {};
  for (const key of Object.keys(defs) as TableKey[]) {
    resources[TABLE_LOGICAL_IDS[key]] = tableResource(defs[key]);
    outputs[`${TABLE_LOGICAL_IDS[key]}Name`] = { Value: { Ref: TABLE_LOGICAL_IDS[key] } };
  }
  for (const key of Object.keys(defs) as TableKey[]) Object.assign(resources, autoScaling(key, defs[key]));
  return {
    Conditions: { [PROVISIONED_CONDITION]: { 'Fn::Equals': [`${STAGE_DYNAMO}.billingMode}`, 'PROVISIONED'] } },
    Resources: resources,
    Outputs: outputs,
  };
}

import { describe, expect, it } from 'vitest';
import { TABLE_LOGICAL_IDS } from '../../scripts/infra/catalog.js';
import type { PackagedStacks } from './stack.js';

const ref = (id: string) => ({ Ref: id });
const getAtt = (id: string, attr: string) => ({ 'Fn::GetAtt': [id, attr] });

/** Stage differences (custom.stages), registered by template.test.ts on its packaged stacks. */
export function describeStageSizing(stacks: () => PackagedStacks): void {
  describe('stage sizing', () => {
    it('dev (and any stage that is not staging/prod): small, single-AZ, on-demand, no extras', () => {
      const s = stacks().dev;
      expect(s.props('Database')).toMatchObject({ DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20, MaxAllocatedStorage: 100, BackupRetentionPeriod: 7, MultiAZ: false, EnablePerformanceInsights: false, DeletionProtection: false });
      expect(s.has('DatabaseReadReplica')).toBe(false);
      expect(s.has('NatGateway2')).toBe(false);
      for (const id of Object.values(TABLE_LOGICAL_IDS)) {
        expect(s.props(id).BillingMode).toBe('PAY_PER_REQUEST');
        expect(s.props(id).ProvisionedThroughput).toBeUndefined();
      }
      expect(s.ofType('AWS::ApplicationAutoScaling::ScalableTarget')).toEqual([]);
      expect(s.ofType('AWS::Lambda::Alias')).toEqual([]);
      expect(s.props('FilesBucket').ReplicationConfiguration).toBeUndefined();
      expect(s.has('S3ReplicationRole')).toBe(false);
      const tiering = (s.props('FilesBucket').LifecycleConfiguration.Rules as { Id: string; Status: string }[]).find((r) => r.Id === 'IntelligentTiering');
      expect(tiering?.Status).toBe('Disabled');
      expect(s.props('ApiLogGroup').RetentionInDays).toBe(14);
    });

    it('prod: larger, Multi-AZ, Performance Insights, read replica, provisioned api, tiering and replication', () => {
      const s = stacks().prod;
      expect(s.props('Database')).toMatchObject({ DBInstanceClass: 'db.t3.medium', AllocatedStorage: 100, BackupRetentionPeriod: 30, MultiAZ: true, EnablePerformanceInsights: true, PerformanceInsightsRetentionPeriod: 7, DeletionProtection: true });
      expect(s.props('DatabaseReadReplica')).toMatchObject({ SourceDBInstanceIdentifier: ref('Database'), DBParameterGroupName: ref('DatabaseParameterGroup'), PubliclyAccessible: false });
      expect(s.has('NatGateway2')).toBe(true);
      const alias = s.ofType('AWS::Lambda::Alias');
      expect(alias).toHaveLength(1);
      expect(alias[0][1].Properties).toMatchObject({ FunctionName: ref('ApiLambdaFunction'), ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
      for (const id of Object.values(TABLE_LOGICAL_IDS)) {
        expect(s.props(id).BillingMode).toBe('PAY_PER_REQUEST'); // on-demand unless selected
        expect(s.props(id).DeletionProtectionEnabled).toBe(true);
        expect(s.get(id).DeletionPolicy).toBe('Retain');
      }
      for (const b of ['UploadsBucket', 'FilesBucket']) {
        const rules = s.props(b).LifecycleConfiguration.Rules as { Id: string; Status: string; Transitions?: { StorageClass: string }[] }[];
        expect(rules.find((r) => r.Id === 'IntelligentTiering')).toMatchObject({ Status: 'Enabled', Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 0 }] });
        const repl = s.props(b).ReplicationConfiguration;
        expect(repl.Role).toEqual(getAtt('S3ReplicationRole', 'Arn'));
        expect(repl.Rules[0].Destination.Bucket).toBe(`arn:aws:s3:::${s.props(b).BucketName}-replica`);
      }
      expect(s.template.Outputs?.ReplicaRegion?.Value).toBe('us-east-1');
      expect(s.props('ApiLogGroup').RetentionInDays).toBe(90);
    });

    it('staging: Performance Insights on, single instance; provisioned DynamoDB with auto-scaling when selected', () => {
      const s = stacks().staging;
      expect(s.props('Database')).toMatchObject({ DBInstanceClass: 'db.t3.medium', MultiAZ: false, EnablePerformanceInsights: true });
      expect(s.has('DatabaseReadReplica')).toBe(false);
      for (const [key, id] of Object.entries(TABLE_LOGICAL_IDS)) {
        const t = s.props(id);
        expect(t.BillingMode).toBe('PROVISIONED');
        expect(t.ProvisionedThroughput).toEqual({ ReadCapacityUnits: 2, WriteCapacityUnits: 2 });
        for (const g of t.GlobalSecondaryIndexes) expect(g.ProvisionedThroughput).toEqual({ ReadCapacityUnits: 2, WriteCapacityUnits: 2 });
        const targets = s.ofType('AWS::ApplicationAutoScaling::ScalableTarget').map(([, r]) => r.Properties!).filter((x) => String(x.ResourceId).startsWith(`table/pdf-studio-${key}-staging`));
        expect(targets).toHaveLength(2 * (1 + t.GlobalSecondaryIndexes.length)); // read + write, table + each GSI
        for (const x of targets) expect(x).toMatchObject({ MinCapacity: 2, MaxCapacity: 50, ServiceNamespace: 'dynamodb' });
      }
      const policies = s.ofType('AWS::ApplicationAutoScaling::ScalingPolicy').map(([, r]) => r.Properties!);
      expect(policies).toHaveLength(12);
      for (const x of policies) expect(x.TargetTrackingScalingPolicyConfiguration).toMatchObject({ TargetValue: 70 });
    });
  });
}

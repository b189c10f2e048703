import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envSchema } from '@/shared/config/schema.js';
import { tableDefinitions, type TableKey } from '@/shared/database/ddb/tables.js';
import { BUCKETS, FUNCTIONS, QUEUES, TABLE_LOGICAL_IDS, deadLetterQueueName, functionName, queueName } from '../../scripts/infra/catalog.js';
import { THRESHOLDS } from '../../scripts/infra/cloudwatch.js';
import { REPO_ROOT } from '../../scripts/infra/package-offline.js';
import { resolveConditionals } from '../../scripts/infra/template.js';
import { checkTemplateAgainstSpec } from '../../scripts/infra/cfn-spec.js';
import { asArray, iamStatements, packageStacks, type PackagedStacks, type Stack } from './stack.js';
import { describeStageSizing } from './stage-sizing.js';

/**
 * The packaged CloudFormation of dev, prod and staging(+provisioned DynamoDB), produced offline by
 * `osls package` with no AWS credentials, checked resource by resource against the names and settings the deployment documents.
 */
let p: PackagedStacks;
beforeAll(async () => {
  p = await packageStacks();
  console.log(`osls package (concurrently): ${Object.entries(p.seconds).map(([s, t]) => `${s} ${t.toFixed(1)} s`).join(', ')}`);
}, 240_000);
afterAll(async () => p?.cleanup());

const each = (fn: (s: Stack) => void) => () => ['dev', 'prod', 'staging'].forEach((stage) => fn(p[stage as 'dev' | 'prod' | 'staging']));
const ref = (id: string) => ({ Ref: id });
const getAtt = (id: string, attr: string) => ({ 'Fn::GetAtt': [id, attr] });

describe('CloudFormation validity (offline)', () => {
  it('every resource type, property (at any depth), required property and Ref/GetAtt/Sub target exists in the CloudFormation spec', () => {
    for (const stage of ['dev', 'prod', 'staging'] as const) expect(checkTemplateAgainstSpec(p[stage].template), stage).toEqual([]);
  }, 60_000);
});

describe('Lambda functions', () => {
  it('are exactly the catalogue: api, one consumer per queue, scheduled cleanup, migrate', each((s) => {
    const ids = s.ofType('AWS::Lambda::Function').map(([id]) => id).sort();
    expect(ids).toEqual(FUNCTIONS.map((f) => f.logicalId).sort());
  }));

  it('run nodejs24.x in the private subnets with X-Ray, the documented function names and a bundle handler', each((s) => {
    for (const f of FUNCTIONS) {
      const fp = s.props(f.logicalId);
      expect(fp.Runtime).toBe('nodejs24.x');
      expect(fp.FunctionName).toBe(functionName(f, s.stage));
      expect(fp.Handler).toBe(`dist/lambda/${f.entry}/index.handler`);
      expect(fp.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fp.VpcConfig).toEqual({ SecurityGroupIds: [ref('LambdaSecurityGroup')], SubnetIds: [ref('PrivateSubnet1'), ref('PrivateSubnet2')] });
      expect(fp.Role).toEqual(getAtt('LambdaExecutionRole', 'Arn'));
    }
    expect(s.props('ApiLambdaFunction').FunctionName).toBe(`pdf-studio-api-api-${s.stage}`); // its log group: /aws/lambda/pdf-studio-api-api-dev
  }));

  it('are sized per function (memory and timeout)', each((s) => {
    const mem = Object.fromEntries(FUNCTIONS.map((f) => [f.entry, s.props(f.logicalId).MemorySize]));
    expect(mem['pdf-generation']).toBeGreaterThan(mem['email-notifications']);
    expect(new Set(Object.values(mem)).size).toBeGreaterThanOrEqual(3);
    expect(s.props('ApiLambdaFunction').Timeout).toBeLessThanOrEqual(30); // API Gateway's limit
    expect(s.props('PdfGenerationLambdaFunction').EphemeralStorage).toEqual({ Size: 2048 });
    expect(s.props('MigrateLambdaFunction').ReservedConcurrentExecutions).toBe(1); // never two migrations at once
    expect(s.props('ScheduledCleanupLambdaFunction').ReservedConcurrentExecutions).toBe(1);
  }));

  it('get the environment the config reads, wired from the stack resources, every name known to the config schema', each((s) => {
    const env = s.props('ApiLambdaFunction').Environment.Variables;
    expect(env).toMatchObject({
      STAGE: s.stage,
      PDF_STUDIO_MODE: 'aws',
      DB_HOST: getAtt('Database', 'Endpoint.Address'),
      DB_PORT: getAtt('Database', 'Endpoint.Port'),
      DB_USER: 'pdf_studio_user',
      DB_SECRET_ARN: ref('DatabaseSecret'),
      DB_SSL: 'require',
      DYNAMODB_REGION: 'us-east-1',
      S3_UPLOAD_BUCKET: ref('UploadsBucket'),
      S3_GENERATED_BUCKET: ref('GeneratedBucket'),
      S3_BUCKET: ref('FilesBucket'),
      JWT_SECRET_ARN: ref('JwtSecret'),
      VPC_ID: ref('Vpc'),
      SECURITY_GROUP_ID: ref('LambdaSecurityGroup'),
    });
    expect(env.DB_NAME).toEqual({ 'Fn::Join': ['_', { 'Fn::Split': ['-', `pdf_studio_${s.stage}`] }] });
    for (const q of QUEUES) expect(env[q.envVar]).toEqual(ref(`${q.prefix}Queue`));
    for (const b of BUCKETS) expect(env[b.envVar]).toEqual(ref(b.logicalId));
    expect(env).not.toHaveProperty('DB_PASSWORD');
    expect(env).not.toHaveProperty('DATABASE_URL');
    expect(env.NODE_EXTRA_CA_CERTS).toBe('/var/runtime/ca-cert.pem'); // RDS CAs for TLS verification
    const known = new Set([...Object.keys(envSchema.shape), 'NODE_EXTRA_CA_CERTS']);
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
  }));

  it('api is behind an HTTP API (payload 2.0, catch-all route) with access logs', each((s) => {
    expect(s.props('HttpApi')).toMatchObject({ Name: `pdf-studio-api-${s.stage}`, ProtocolType: 'HTTP' });
    expect(s.props('HttpApiRouteDefault').RouteKey).toBe('$default');
    expect(s.props('HttpApiIntegrationApi').PayloadFormatVersion).toBe('2.0');
    expect(s.props('HttpApiStage').AccessLogSettings).toBeDefined();
  }));

  it('each queue has its consumer with partial batch responses; visibility timeout >= 6x its timeout', each((s) => {
    const mappings = s.ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties ?? {});
    expect(mappings).toHaveLength(QUEUES.length);
    for (const q of QUEUES) {
      const consumer = FUNCTIONS.find((f) => f.key === q.consumer)!;
      const m = mappings.find((x) => JSON.stringify(x.EventSourceArn) === JSON.stringify(getAtt(`${q.prefix}Queue`, 'Arn')));
      expect(m, q.name).toBeDefined();
      expect(m!.FunctionName).toEqual(getAtt(consumer.logicalId, 'Arn'));
      expect(m!.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      const timeout = s.props(consumer.logicalId).Timeout as number;
      const visibility = s.props(`${q.prefix}Queue`).VisibilityTimeout as number;
      expect(visibility).toBeGreaterThan(timeout);
      expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
    }
  }));

  it('scheduled cleanup runs on a schedule with the cleanup_expired_pdfs message; migrate has no trigger', each((s) => {
    const rules = s.ofType('AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const rule = rules[0][1].Properties!;
    expect(rule.ScheduleExpression).toMatch(/^rate\(/);
    const target = (rule.Targets as { Arn: unknown; Input: string }[])[0];
    expect(target.Arn).toEqual(getAtt('ScheduledCleanupLambdaFunction', 'Arn'));
    expect(JSON.parse(target.Input)).toEqual({ action: 'cleanup_expired_pdfs', olderThanDays: 30 });
    const triggerTypes = ['AWS::Lambda::EventSourceMapping', 'AWS::Events::Rule', 'AWS::Lambda::Permission', 'AWS::ApiGatewayV2::Integration'];
    const triggers = JSON.stringify(Object.values(s.resources).filter((r) => triggerTypes.includes(r.Type)));
    expect(triggers).toContain('"ScheduledCleanupLambdaFunction"');
    expect(triggers).not.toContain('"MigrateLambdaFunction"');
  }));
});

describe('network', () => {
  it('VPC with public and private subnets in two AZs, NAT for the private ones', each((s) => {
    for (const [id, az] of [['PublicSubnet1', 0], ['PublicSubnet2', 1], ['PrivateSubnet1', 0], ['PrivateSubnet2', 1]] as const) {
      expect(s.props(id).VpcId).toEqual(ref('Vpc'));
      expect(s.props(id).AvailabilityZone).toEqual({ 'Fn::Select': [az, { 'Fn::GetAZs': '' }] });
    }
    expect(s.props('NatGateway1').SubnetId).toEqual(ref('PublicSubnet1'));
    expect(s.props('PublicDefaultRoute').GatewayId).toEqual(ref('InternetGateway'));
    expect(s.props('PrivateDefaultRoute1').NatGatewayId).toEqual(ref('NatGateway1'));
    expect(s.props('PrivateDefaultRoute2').NatGatewayId).toEqual(ref(s.stage === 'prod' ? 'NatGateway2' : 'NatGateway1'));
  }));

  it('security groups: Lambda may reach RDS on 5432 and HTTPS out; RDS accepts 5432 from Lambda only', each((s) => {
    expect(s.props('LambdaSecurityGroup').SecurityGroupEgress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
    expect(s.props('LambdaToDatabaseEgress')).toMatchObject({ GroupId: ref('LambdaSecurityGroup'), FromPort: 5432, ToPort: 5432, DestinationSecurityGroupId: ref('DatabaseSecurityGroup') });
    const db = s.props('DatabaseSecurityGroup');
    expect(db.SecurityGroupIngress).toBeUndefined();
    expect(db.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '127.0.0.1/32' })]);
    const ingress = s.ofType('AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    expect(ingress).toEqual([expect.objectContaining({ GroupId: ref('DatabaseSecurityGroup'), IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: ref('LambdaSecurityGroup') })]);
    expect(s.props('Database').PubliclyAccessible).toBe(false);
    expect(s.props('Database').VPCSecurityGroups).toEqual([ref('DatabaseSecurityGroup')]);
  }));
});

describe('RDS PostgreSQL', () => {
  it('is encrypted, private, TLS-only, with credentials in Secrets Manager', each((s) => {
    const db = s.props('Database');
    expect(db).toMatchObject({ Engine: 'postgres', StorageEncrypted: true, DBInstanceIdentifier: `pdf-studio-api-postgres-${s.stage}` });
    expect(db.MaxAllocatedStorage).toBeGreaterThan(db.AllocatedStorage); // storage autoscaling
    expect(db.MasterUserPassword).toEqual({ 'Fn::Sub': '{{resolve:secretsmanager:${DatabaseSecret}:SecretString:password}}' });
    expect(s.get('Database').DeletionPolicy).toBe('Snapshot');
    expect(s.props('DatabaseParameterGroup').Parameters['rds.force_ssl']).toBe('1');
    expect(db.DBParameterGroupName).toEqual(ref('DatabaseParameterGroup'));
    // No DB_PASSWORD given: the password is generated; the NoEcho parameter stays empty.
    expect(s.props('DatabaseSecret').GenerateSecretString).toMatchObject({ GenerateStringKey: 'password', SecretStringTemplate: '{"username":"pdf_studio_user"}' });
    expect(s.props('DatabaseSecret').SecretString).toBeUndefined();
    expect(s.template.Parameters?.DbPassword).toMatchObject({ NoEcho: true, Default: '' });
    expect(s.props('DatabaseSecretAttachment')).toMatchObject({ SecretId: ref('DatabaseSecret'), TargetId: ref('Database') });
    // DB_PASSWORD given (stack parameter): stored as the secret's value, nothing generated.
    const given = resolveConditionals(s.template, s.template.Resources.DatabaseSecret.Properties, { DbPassword: 'chosen-password' }) as Record<string, unknown>;
    expect(given.GenerateSecretString).toBeUndefined();
    expect(given.SecretString).toEqual({ 'Fn::Sub': '{"username":"pdf_studio_user","password":"${DbPassword}"}' });
  }));
});

describe('DynamoDB', () => {
  it('tables match src/shared/database/ddb/tables.ts exactly, with PITR, TTL and encryption', each((s) => {
    const defs = tableDefinitions(s.stage);
    expect(s.ofType('AWS::DynamoDB::Table').map(([id]) => id).sort()).toEqual(Object.values(TABLE_LOGICAL_IDS).sort());
    for (const key of Object.keys(defs) as TableKey[]) {
      const def = defs[key];
      const t = s.props(TABLE_LOGICAL_IDS[key]);
      expect(t.TableName).toBe(def.create.TableName);
      expect(t.AttributeDefinitions).toEqual(def.create.AttributeDefinitions);
      expect(t.KeySchema).toEqual(def.create.KeySchema);
      const gsis = (t.GlobalSecondaryIndexes as Record<string, unknown>[]).map(({ ProvisionedThroughput: _p, ...g }) => g);
      expect(gsis).toEqual(def.create.GlobalSecondaryIndexes);
      expect(t.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(t.TimeToLiveSpecification).toEqual({ AttributeName: def.ttlAttribute, Enabled: true });
      expect(t.SSESpecification).toEqual({ SSEEnabled: true });
    }
    expect(s.props('TemplatesTable').TableName).toBe(`pdf-studio-templates-${s.stage}`);
    expect(s.props('FieldsTable').TableName).toBe(`pdf-studio-fields-${s.stage}`);
  }));
});

describe('SQS', () => {
  it('the four work queues, each redriving to its own DLQ; encrypted', each((s) => {
    const queues = s.ofType('AWS::SQS::Queue');
    expect(queues).toHaveLength(QUEUES.length * 2);
    for (const q of QUEUES) {
      const main = s.props(`${q.prefix}Queue`);
      const dlq = s.props(`${q.prefix}DeadLetterQueue`);
      expect(main.QueueName).toBe(queueName(q, s.stage));
      expect(dlq.QueueName).toBe(deadLetterQueueName(q, s.stage));
      expect(main.RedrivePolicy.deadLetterTargetArn).toEqual(getAtt(`${q.prefix}DeadLetterQueue`, 'Arn'));
      expect(main.RedrivePolicy.maxReceiveCount).toBeGreaterThanOrEqual(1);
      expect(main.RedrivePolicy.maxReceiveCount).toBeLessThanOrEqual(10);
      expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      expect(main.SqsManagedSseEnabled && dlq.SqsManagedSseEnabled).toBe(true);
    }
  }));
});

describe('S3', () => {
  it('uploads, generated and files buckets: encrypted, versioned, private, TLS-only; CORS for studio uploads', each((s) => {
    for (const b of BUCKETS) {
      const bp = s.props(b.logicalId);
      expect(bp.BucketName).toBe(`pdf-studio-${b.name}-${s.stage}`);
      expect(bp.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
      expect(bp.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bp.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      const policy = s.ofType('AWS::S3::BucketPolicy').find(([, r]) => JSON.stringify(r.Properties?.Bucket) === JSON.stringify(ref(b.logicalId)));
      expect(JSON.stringify(policy?.[1].Properties)).toContain('aws:SecureTransport');
    }
    const cors = s.props('UploadsBucket').CorsConfiguration.CorsRules[0];
    expect(cors.AllowedMethods).toEqual(expect.arrayContaining(['PUT', 'POST']));
    const rules = s.props('GeneratedBucket').LifecycleConfiguration.Rules as { Id: string; Status: string; ExpirationInDays?: number }[];
    expect(rules.find((r) => r.Id === 'ExpireGeneratedPdfs')).toMatchObject({ Status: 'Enabled', ExpirationInDays: 30 });
  }));
});

describe('monitoring', () => {
  it('dashboard pdf-studio-api-{stage} with Lambda, RDS, DynamoDB, SQS and S3 widgets', each((s) => {
    const d = s.props('Dashboard');
    expect(d.DashboardName).toBe(`pdf-studio-api-${s.stage}`);
    const body = JSON.parse((d.DashboardBody['Fn::Sub'] as string).replaceAll('${AWS::Region}', 'us-east-1').replaceAll('${HttpApi}', 'abc123'));
    const namespaces = new Set((body.widgets as { properties: { metrics?: unknown[][] } }[]).flatMap((w) => (w.properties.metrics ?? []).map((m) => m[0])));
    for (const ns of ['AWS/Lambda', 'AWS/RDS', 'AWS/DynamoDB', 'AWS/SQS', 'AWS/S3', 'AWS/ApiGateway']) expect(namespaces).toContain(ns);
    expect(JSON.stringify(body)).toContain(`pdf-studio-api-postgres-${s.stage}`);
  }));

  it('alarms: DB CPU > 80%, Lambda error rate > 5% (metric math), any DLQ message, DynamoDB throttling -> SNS', each((s) => {
    const alarms = s.ofType('AWS::CloudWatch::Alarm').map(([id, r]) => [id, r.Properties!] as const);
    for (const [, a] of alarms) expect(a.AlarmActions).toEqual([ref('AlarmTopic')]);
    expect(s.get('AlarmTopic').Type).toBe('AWS::SNS::Topic');

    const cpu = s.props('DatabaseCpuAlarm');
    expect(cpu).toMatchObject({ Namespace: 'AWS/RDS', MetricName: 'CPUUtilization', Threshold: 80, ComparisonOperator: 'GreaterThanThreshold' });
    expect(cpu.Dimensions).toEqual([{ Name: 'DBInstanceIdentifier', Value: ref('Database') }]);
    expect(THRESHOLDS.databaseCpuPercent).toBe(80);

    for (const f of FUNCTIONS) {
      const a = s.props(`${f.logicalId.replace(/LambdaFunction$/, '')}ErrorRateAlarm`);
      expect(a).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
      const expr = (a.Metrics as { Expression?: string; ReturnData: boolean }[]).find((m) => m.ReturnData)!;
      expect(expr.Expression).toContain('100 * errors / invocations');
      expect(JSON.stringify(a.Metrics)).toContain(JSON.stringify(ref(f.logicalId)));
    }
    for (const q of QUEUES) {
      expect(s.props(`${q.prefix}DeadLetterQueueAlarm`)).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: [{ Name: 'QueueName', Value: getAtt(`${q.prefix}DeadLetterQueue`, 'QueueName') }],
      });
    }
    for (const id of Object.values(TABLE_LOGICAL_IDS)) {
      const a = s.props(`${id}ThrottleAlarm`);
      expect(a).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      expect(JSON.stringify(a.Metrics)).toContain('"MetricName":"ThrottledRequests"');
      expect(a.Metrics.length).toBeLessThanOrEqual(10); // CloudWatch's limit per alarm
    }
    expect(alarms).toHaveLength(1 + FUNCTIONS.length + QUEUES.length + Object.keys(TABLE_LOGICAL_IDS).length);
  }));
});

describe('IAM', () => {
  it('grants no * action on * resource, and no service-wide wildcard actions', each((s) => {
    const allows = iamStatements(s).filter((st) => st.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(5);
    for (const st of allows) {
      const actions = asArray(st.Action);
      expect(actions.filter((a) => a === '*' || a.endsWith(':*')), `${st.owner}: ${actions.join(',')}`).toEqual([]);
      if (asArray(st.Resource).includes('*')) {
        // Only actions IAM cannot scope to a resource: VPC network interfaces and X-Ray writes.
        expect(actions.every((a) => /^(ec2:(Create|Describe|Delete|Assign|Unassign)\w+|xray:Put\w+)$/.test(a)), actions.join(',')).toBe(true);
      }
    }
    const managed = Object.values(s.resources).flatMap((r) => asArray(r.Properties?.ManagedPolicyArns as string[] | undefined));
    expect(managed).toEqual([]);
  }));

  it('scopes data access to this stage\'s tables, queues, buckets and secrets', each((s) => {
    const byResource = (needle: string) => iamStatements(s).filter((st) => asArray(st.Action).some((a) => a.startsWith(needle)));
    expect(byResource('dynamodb:').flatMap((st) => asArray(st.Resource))).toEqual([
      getAtt('TemplatesTable', 'Arn'), { 'Fn::Sub': '${TemplatesTable.Arn}/index/*' }, getAtt('FieldsTable', 'Arn'), { 'Fn::Sub': '${FieldsTable.Arn}/index/*' },
    ]);
    const queues = QUEUES.map((q) => getAtt(`${q.prefix}Queue`, 'Arn'));
    const deadLetters = QUEUES.map((q) => getAtt(`${q.prefix}DeadLetterQueue`, 'Arn'));
    for (const st of byResource('sqs:')) expect([queues, deadLetters]).toContainEqual(asArray(st.Resource));
    // The SQS driver dead-letters with the failure reason itself: SendMessage on the DLQs, nothing more.
    const toDlq = byResource('sqs:').filter((st) => JSON.stringify(asArray(st.Resource)) === JSON.stringify(deadLetters));
    expect(toDlq.flatMap((st) => asArray(st.Action)).sort()).toEqual(['sqs:GetQueueAttributes', 'sqs:SendMessage']);
    expect(byResource('secretsmanager:').flatMap((st) => asArray(st.Resource))).toEqual([ref('DatabaseSecret'), ref('JwtSecret')]);
    const logs = byResource('logs:').flatMap((st) => asArray(st.Resource));
    expect(JSON.stringify(logs)).toContain(`log-group:/aws/lambda/pdf-studio-api-*-${s.stage}:*`);
  }));

  it('JWT signing key is generated in Secrets Manager', each((s) => {
    expect(s.props('JwtSecret').GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
  }));
});

describe('names in the deployment docs', () => {
  it('every name used by infrastructure/README.md debug commands exists in the dev stack', async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'infrastructure/README.md'), 'utf8');
    const s = p.dev;
    const names = (type: string, prop: string) => s.ofType(type).map(([, r]) => r.Properties?.[prop]);
    const checks: [RegExp, unknown[]][] = [
      [/--db-instance-identifier (\S+)/g, names('AWS::RDS::DBInstance', 'DBInstanceIdentifier')],
      [/--table-name (\S+)/g, names('AWS::DynamoDB::Table', 'TableName')],
      [/--queue-name (\S+)/g, names('AWS::SQS::Queue', 'QueueName')],
      [/aws logs tail (\S+)/g, names('AWS::Logs::LogGroup', 'LogGroupName')],
      [/--function-name (\S+)/g, names('AWS::Lambda::Function', 'FunctionName')],
      [/Name=FunctionName,Value=(\S+)/g, names('AWS::Lambda::Function', 'FunctionName')],
      [/--stack-name (\S+)/g, ['pdf-studio-api-dev']],
      [/dashboards:name=(\S+)/g, names('AWS::CloudWatch::Dashboard', 'DashboardName')],
    ];
    let seen = 0;
    for (const [re, existing] of checks) {
      for (const m of readme.matchAll(re)) {
        if (m[1].includes('<')) continue; // placeholders such as pdf-studio-api-migrate-<stage>
        expect(existing, m[0]).toContain(m[1]);
        seen++;
      }
    }
    expect(seen).toBeGreaterThanOrEqual(10);
  });
});

describeStageSizing(() => p);

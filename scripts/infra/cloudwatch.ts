/**
 * infrastructure/resources/cloudwatch.yml, generated because it repeats per function, queue and
 * table (an alarm each) and because the dashboard body is JSON that is easier to build than to
 * hand-write. Alarms: DB CPU > 80%, Lambda error rate > 5% (metric math), any DLQ message > 0,
 * DynamoDB throttled requests > 0; all notify one SNS topic.
 */
import { tableDefinitions, type TableKey } from '@/shared/database/ddb/tables.js';
import {
  BUCKETS,
  FUNCTIONS,
  QUEUES,
  SERVICE,
  STAGE_VAR,
  TABLE_LOGICAL_IDS,
  dashboardName,
  databaseIdentifier,
  deadLetterQueueName,
  functionName,
  queueName,
} from './catalog.js';

export const ALARM_TOPIC = 'AlarmTopic';
export const THRESHOLDS = { databaseCpuPercent: 80, lambdaErrorRatePercent: 5, deadLetterMessages: 0, dynamoThrottledRequests: 0 };
/** Operations summed for the throttling alarm (an alarm may hold at most 10 metrics). */
export const THROTTLE_OPERATIONS = ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'Query', 'Scan'];

const actions = { AlarmActions: [{ Ref: ALARM_TOPIC }], OKActions: [{ Ref: ALARM_TOPIC }] };
const bucketName = (name: string) => `pdf-studio-${name}-${STAGE_VAR}\${self:custom.bucketSuffix}`;

function alarms(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  out.DatabaseCpuAlarm = {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${SERVICE}-${STAGE_VAR}-database-cpu`,
      AlarmDescription: `RDS CPU above ${THRESHOLDS.databaseCpuPercent}% for 10 minutes`,
      Namespace: 'AWS/RDS',
      MetricName: 'CPUUtilization',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: { Ref: 'Database' } }],
      Statistic: 'Average',
      Period: 300,
      EvaluationPeriods: 2,
      Threshold: THRESHOLDS.databaseCpuPercent,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'missing',
      ...actions,
    },
  };
  for (const f of FUNCTIONS) {
    const dims = [{ Name: 'FunctionName', Value: { Ref: f.logicalId } }];
    const stat = (id: string, metric: string) => ({
      Id: id,
      MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: dims }, Period: 300, Stat: 'Sum' },
      ReturnData: false,
    });
    out[`${f.logicalId.replace(/LambdaFunction$/, '')}ErrorRateAlarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${functionName(f, STAGE_VAR)}-error-rate`,
        AlarmDescription: `Lambda ${f.entry}: errors above ${THRESHOLDS.lambdaErrorRatePercent}% of invocations`,
        Metrics: [
          stat('errors', 'Errors'),
          stat('invocations', 'Invocations'),
          { Id: 'errorRate', Expression: 'IF(invocations > 0, 100 * errors / invocations, 0)', Label: 'Error rate (%)', ReturnData: true },
        ],
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Threshold: THRESHOLDS.lambdaErrorRatePercent,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        ...actions,
      },
    };
  }
  for (const q of QUEUES) {
    out[`${q.prefix}DeadLetterQueueAlarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${deadLetterQueueName(q, STAGE_VAR)}-messages`,
        AlarmDescription: `Messages in the ${q.name} dead-letter queue`,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [`${q.prefix}DeadLetterQueue`, 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: THRESHOLDS.deadLetterMessages,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        ...actions,
      },
    };
  }
  for (const key of Object.keys(TABLE_LOGICAL_IDS) as TableKey[]) {
    const id = TABLE_LOGICAL_IDS[key];
    out[`${id}ThrottleAlarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${SERVICE}-${STAGE_VAR}-${key}-throttled`,
        AlarmDescription: `DynamoDB ${key} table: throttled requests`,
        Metrics: [
          ...THROTTLE_OPERATIONS.map((op, i) => ({
            Id: `t${i}`,
            MetricStat: {
              Metric: {
                Namespace: 'AWS/DynamoDB',
                MetricName: 'ThrottledRequests',
                Dimensions: [
                  { Name: 'TableName', Value: { Ref: id } },
                  { Name: 'Operation', Value: op },
                ],
              },
              Period: 300,
              Stat: 'Sum',
            },
            ReturnData: false,
          })),
          { Id: 'throttled', Expression: 'SUM(FILL(METRICS(), 0))', Label: 'Throttled requests', ReturnData: true },
        ],
        EvaluationPeriods: 1,
        Threshold: THRESHOLDS.dynamoThrottledRequests,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        ...actions,
      },
    };
  }
  return out;
}

type Widget = Record<string, unknown>;
let y = 0;
function widget(title: string, metrics: unknown[][], opts: { stat?: string; period?: number; width?: number } = {}): Widget {
  const w: Widget = {
    type: 'metric',
    x: 0,
    y: y,
    width: opts.width ?? 24,
    height: 6,
    properties: {
      title,
      region: '${AWS::Region}',
      view: 'timeSeries',
      stacked: false,
      metrics,
      stat: opts.stat ?? 'Sum',
      period: opts.period ?? 300,
    },
  };
  y += 6;
  return w;
}

/** The dashboard body: a JSON string for Fn::Sub (region, API id), with serverless variables for names. */
export function dashboardBody(): string {
  y = 0;
  const fnNames = FUNCTIONS.map((f) => functionName(f, STAGE_VAR));
  const tables = Object.values(tableDefinitions(STAGE_VAR)).map((d) => d.create.TableName ?? '');
  const db = databaseIdentifier(STAGE_VAR);
  const perFn = (metric: string) => fnNames.map((n) => ['AWS/Lambda', metric, 'FunctionName', n]);
  const widgets: Widget[] = [
    { type: 'text', x: 0, y: y++, width: 24, height: 1, properties: { markdown: `# PDF Studio (${STAGE_VAR})` } },
    widget('API: requests, 4xx, 5xx', [
      ['AWS/ApiGateway', 'Count', 'ApiId', '${HttpApi}'],
      ['.', '4xx', '.', '.'],
      ['.', '5xx', '.', '.'],
    ]),
    widget(
      'API: latency p50 / p99 (ms)',
      [
        ['AWS/ApiGateway', 'Latency', 'ApiId', '${HttpApi}', { stat: 'p50' }],
        ['...', { stat: 'p99' }],
      ],
      { stat: 'p50' },
    ),
    widget('Lambda: invocations', perFn('Invocations')),
    widget('Lambda: errors', perFn('Errors')),
    widget('Lambda: duration p95 (ms)', perFn('Duration'), { stat: 'p95' }),
    widget('Lambda: throttles and concurrency', [
      ...perFn('Throttles'),
      ...perFn('ConcurrentExecutions').map((m) => [...m, { stat: 'Maximum' }]),
    ]),
    widget(
      'RDS: CPU (%) and connections',
      [
        ['AWS/RDS', 'CPUUtilization', 'DBInstanceIdentifier', db, { stat: 'Average' }],
        ['.', 'DatabaseConnections', '.', '.', { stat: 'Average', yAxis: 'right' }],
      ],
      { stat: 'Average' },
    ),
    widget(
      'RDS: read / write latency (s), free storage',
      [
        ['AWS/RDS', 'ReadLatency', 'DBInstanceIdentifier', db],
        ['.', 'WriteLatency', '.', '.'],
        ['.', 'FreeStorageSpace', '.', '.', { yAxis: 'right' }],
      ],
      { stat: 'Average' },
    ),
    widget(
      'DynamoDB: consumed capacity',
      tables.flatMap((t) => [
        ['AWS/DynamoDB', 'ConsumedReadCapacityUnits', 'TableName', t],
        ['.', 'ConsumedWriteCapacityUnits', '.', '.'],
      ]),
    ),
    widget(
      'DynamoDB: throttling and errors',
      tables.flatMap((t) => [
        ['AWS/DynamoDB', 'ReadThrottleEvents', 'TableName', t],
        ['.', 'WriteThrottleEvents', '.', '.'],
        ['.', 'SystemErrors', '.', '.'],
      ]),
    ),
    widget(
      'SQS: messages visible / oldest message age (s)',
      QUEUES.flatMap((q) => [
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', queueName(q, STAGE_VAR)],
        ['.', 'ApproximateAgeOfOldestMessage', '.', '.', { yAxis: 'right' }],
      ]),
      { stat: 'Maximum' },
    ),
    widget(
      'SQS: dead-letter queues',
      QUEUES.map((q) => ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', deadLetterQueueName(q, STAGE_VAR)]),
      { stat: 'Maximum', period: 60 },
    ),
    widget(
      'S3: bucket size (bytes) and objects (daily)',
      BUCKETS.flatMap((b) => [
        ['AWS/S3', 'BucketSizeBytes', 'BucketName', bucketName(b.name), 'StorageType', 'StandardStorage'],
        ['AWS/S3', 'NumberOfObjects', 'BucketName', bucketName(b.name), 'StorageType', 'AllStorageTypes', { yAxis: 'right' }],
      ]),
      { stat: 'Average', period: 86400 },
    ),
  ];
  return JSON.stringify({ widgets });
}

export function cloudwatchResources(): Record<string, unknown> {
  return {
    Conditions: { AlarmEmailGiven: { 'Fn::Not': [{ 'Fn::Equals': ["${param:alarmEmail, ''}", ''] }] } },
    Resources: {
      [ALARM_TOPIC]: {
        Type: 'AWS::SNS::Topic',
        Properties: { TopicName: `${SERVICE}-alarms-${STAGE_VAR}`, DisplayName: `PDF Studio alarms (${STAGE_VAR})` },
      },
      AlarmEmailSubscription: {
        Type: 'AWS::SNS::Subscription',
        Condition: 'AlarmEmailGiven',
        Properties: { TopicArn: { Ref: ALARM_TOPIC }, Protocol: 'email', Endpoint: "${param:alarmEmail, ''}" },
      },
      Dashboard: {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: { DashboardName: dashboardName(STAGE_VAR), DashboardBody: { 'Fn::Sub': dashboardBody() } },
      },
      ...alarms(),
    },
    Outputs: {
      DashboardUrl: {
        Value: {
          'Fn::Sub': `https://\${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=\${AWS::Region}#dashboards:name=${dashboardName(STAGE_VAR)}`,
        },
      },
      AlarmTopicArn: { Value: { Ref: ALARM_TOPIC } },
    },
  };
}

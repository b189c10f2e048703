/**
 * What the deployment is made of, as the generators and tests see it: the Lambda functions
 * (serverless.yml `functions`), the queues (infrastructure/resources/sqs.yml) and the tables
 * (src/shared/database/ddb/tables.ts). tests/infrastructure checks this catalogue against the
 * packaged CloudFormation, so a function or queue added in YAML but not here fails a test.
 */
import type { TableKey } from '@/shared/database/ddb/tables.js';

export const SERVICE = 'pdf-studio-api';

/** Serverless variable for the stage, resolved at package time. */
export const STAGE_VAR = '${sls:stage}';

export interface LambdaFunctionInfo {
  /** Key under serverless.yml `functions`. */
  key: string;
  /** src/lambda/<entry>.ts -> dist/lambda/<entry>/index.mjs; also the middle of the function name. */
  entry: string;
  /** Logical id serverless gives the AWS::Lambda::Function. */
  logicalId: string;
}

const fn = (key: string, entry: string): LambdaFunctionInfo => ({
  key,
  entry,
  logicalId: `${key[0].toUpperCase()}${key.slice(1)}LambdaFunction`,
});

export const FUNCTIONS: LambdaFunctionInfo[] = [
  fn('api', 'api'),
  fn('pdfGeneration', 'pdf-generation'),
  fn('fileProcessing', 'file-processing'),
  fn('cleanup', 'cleanup'),
  fn('emailNotifications', 'email-notifications'),
  fn('scheduledCleanup', 'scheduled-cleanup'),
  fn('migrate', 'migrate'),
];

export function functionName(f: LambdaFunctionInfo, stage: string): string {
  return `${SERVICE}-${f.entry}-${stage}`;
}

export interface QueueInfo {
  /** Prefix of the logical ids: <prefix>Queue, <prefix>DeadLetterQueue. */
  prefix: string;
  /** Seed name: pdf-generation, file-processing, cleanup, email-notifications. */
  name: string;
  /** serverless.yml custom.consumers key, which is also the consuming function's key. */
  consumer: string;
  envVar: string;
}

export const QUEUES: QueueInfo[] = [
  { prefix: 'PdfGeneration', name: 'pdf-generation', consumer: 'pdfGeneration', envVar: 'PDF_GENERATION_QUEUE_URL' },
  { prefix: 'FileProcessing', name: 'file-processing', consumer: 'fileProcessing', envVar: 'FILE_PROCESSING_QUEUE_URL' },
  { prefix: 'Cleanup', name: 'cleanup', consumer: 'cleanup', envVar: 'CLEANUP_QUEUE_URL' },
  { prefix: 'EmailNotifications', name: 'email-notifications', consumer: 'emailNotifications', envVar: 'EMAIL_NOTIFICATIONS_QUEUE_URL' },
];

export const queueName = (q: QueueInfo, stage: string) => `pdf-studio-${q.name}-queue-${stage}`;
export const deadLetterQueueName = (q: QueueInfo, stage: string) => `pdf-studio-${q.name}-dlq-${stage}`;

export const TABLE_LOGICAL_IDS: Record<TableKey, string> = { templates: 'TemplatesTable', fields: 'FieldsTable' };

export const BUCKETS = [
  { logicalId: 'UploadsBucket', name: 'uploads', envVar: 'S3_UPLOAD_BUCKET' },
  { logicalId: 'GeneratedBucket', name: 'generated', envVar: 'S3_GENERATED_BUCKET' },
  { logicalId: 'FilesBucket', name: 'files', envVar: 'S3_BUCKET' },
] as const;

export const dashboardName = (stage: string) => `${SERVICE}-${stage}`;
export const databaseIdentifier = (stage: string) => `${SERVICE}-postgres-${stage}`;

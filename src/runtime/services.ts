import { pino } from 'pino';
import type { Services } from '@/services/context.js';
import { AccessTokens } from '@/shared/auth/jwt.js';
import { createDdbRepositories } from '@/shared/database/ddb/index.js';
import { createRepositories } from '@/shared/database/prisma/index.js';
import { getPrisma } from '@/shared/database/prisma/client.js';
import type { Infrastructure } from './infrastructure.js';

/** The services the API and workers use, on the infrastructure this process brought up. */
export function createServices(infra: Infrastructure): Services {
  const { config } = infra;
  return {
    config,
    repos: {
      ...createRepositories(getPrisma),
      ...createDdbRepositories({ docClient: infra.dynamo.docClient, tables: config.dynamodb.tables }),
    },
    blobs: infra.blobs,
    queue: infra.queue,
    mailer: infra.mailer,
    tokens: new AccessTokens(infra.signingSecret, config.auth.accessTtlSeconds),
    signingSecret: infra.signingSecret,
    log: pino({ level: config.logLevel, base: { component: 'services' } }),
  };
}

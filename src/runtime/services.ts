import { pino } from 'pino';
import type { Services } from '@/services/context.js';
import { AccessTokens } from '@/shared/auth/jwt.js';
import { createDdbRepositories, type DdbRepositories } from '@/shared/database/ddb/index.js';
import { withReadCache, writeGeneration } from '@/shared/database/ddb/read-cache.js';
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
      ...ddbRepositories(infra),
    },
    blobs: infra.blobs,
    queue: infra.queue,
    mailer: infra.mailer,
    tokens: new AccessTokens(infra.signingSecret, config.auth.accessTtlSeconds),
    signingSecret: infra.signingSecret,
    log: pino({ level: config.logLevel, base: { component: 'services' } }),
  };
}

/**
 * The DynamoDB repositories. On the embedded server, which only this process writes, template
 * items are read from memory between writes (read-cache.ts): every generation reads its template.
 */
function ddbRepositories(infra: Infrastructure): DdbRepositories {
  const repos = createDdbRepositories({ docClient: infra.dynamo.docClient, tables: infra.config.dynamodb.tables });
  if (!infra.dynamo.local) return repos;
  const generation = writeGeneration(infra.dynamo.client);
  return { ...repos, templates: withReadCache(repos.templates, ['getOwned', 'getInternal', 'find'], generation) };
}

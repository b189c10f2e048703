import type { Config } from '@/shared/config/index.js';
import type { AccessTokens } from '@/shared/auth/jwt.js';
import type { BlobStore } from '@/shared/storage/index.js';
import type { QueueDriver } from '@/shared/queue/index.js';
import type { Mailer } from '@/shared/email/index.js';
import type { DdbRepositories } from '@/shared/database/ddb/index.js';
import type { Repositories as PrismaRepositories } from '@/shared/database/prisma/index.js';

/**
 * What route handlers and workers may use, chosen once by configuration (src/runtime) and passed
 * in — handlers never pick drivers themselves, so tests hand in the same set against real servers.
 */
export type Repositories = PrismaRepositories & DdbRepositories;

export interface ApiServices {
  config: Config;
  repos: Repositories;
  blobs: BlobStore;
  queue: QueueDriver;
  mailer: Mailer;
  tokens: AccessTokens;
  signingSecret: string;
}

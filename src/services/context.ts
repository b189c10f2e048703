import type { Config } from '@/shared/config/index.js';
import type { AccessTokens } from '@/shared/auth/jwt.js';
import type { BlobStore } from '@/shared/storage/index.js';
import type { QueueDriver } from '@/shared/queue/index.js';
import type { Mailer } from '@/shared/email/index.js';
import type { DdbRepositories } from '@/shared/database/ddb/index.js';
import type { Repositories as PrismaRepositories } from '@/shared/database/prisma/index.js';
import type { HostResolver } from './generation/webhook-target.js';

/** Both stores' repositories in one set: the PostgreSQL ones (Prisma) and the DynamoDB ones. */
export type Repositories = PrismaRepositories & DdbRepositories;

/**
 * What use cases, route handlers and queue consumers may use, chosen once by configuration
 * (src/runtime, src/lambda) and passed in — nothing below picks drivers itself, so tests hand in
 * the same set against real servers.
 */
export interface Services {
  config: Config;
  repos: Repositories;
  blobs: BlobStore;
  queue: QueueDriver;
  mailer: Mailer;
  tokens: AccessTokens;
  signingSecret: string;
  /** Where server-side detail goes that an owner must not see (paths, hosts, stacks); absent: not logged. */
  log?: ServiceLog;
  /** How webhook hosts are resolved (default: the system resolver); tests hand in their own to play DNS. */
  resolveHost?: HostResolver;
}

/** The one logging call services make (pino's signature, so a pino or fastify logger fits). */
export interface ServiceLog {
  error(details: Record<string, unknown>, message: string): void;
}

/**
 * The part of Services a function actually uses, e.g. `Deps<'repos' | 'blobs'>`: callers pass the
 * whole set, while the signature says (and tests see) what the function can reach.
 */
export type Deps<K extends keyof Services> = Pick<Services, K>;

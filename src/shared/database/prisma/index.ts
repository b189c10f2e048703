/**
 * PostgreSQL through Prisma — public surface.
 *
 *   import { usersRepository, filesRepository } from '@/shared/database/prisma/index.js';
 *
 * The singletons resolve getPrisma() on each call: start the database first (startDatabase(), or
 * set DATABASE_URL). For an explicit client (tests, scripts): createRepositories(prisma).
 *
 * The singletons stay for that documented usage (scripts and a consumer's own code import them);
 * the product itself never does: runtime/ builds one set with createRepositories and hands it in.
 */
import type { PrismaClient } from '@/generated/prisma/client.js';
import { AccountTasksRepository } from './account-tasks-repository.js';
import { ApiKeysRepository } from './api-keys-repository.js';
import { AuditLogsRepository } from './audit-logs-repository.js';
import { FilesRepository } from './files-repository.js';
import { GeneratedPdfsRepository } from './generated-pdfs-repository.js';
import { GenerationJobsRepository } from './generation-jobs-repository.js';
import { LoginThrottlesRepository } from './login-throttles-repository.js';
import { RefreshTokensRepository } from './refresh-tokens-repository.js';
import { SigningCertificatesRepository } from './signing-certificates-repository.js';
import type { ClientSource } from './repository.js';
import { UsersRepository } from './users-repository.js';

export function createRepositories(source: ClientSource) {
  return {
    users: new UsersRepository(source),
    files: new FilesRepository(source),
    generatedPdfs: new GeneratedPdfsRepository(source),
    generationJobs: new GenerationJobsRepository(source),
    auditLogs: new AuditLogsRepository(source),
    apiKeys: new ApiKeysRepository(source),
    refreshTokens: new RefreshTokensRepository(source),
    loginThrottles: new LoginThrottlesRepository(source),
    signingCertificates: new SigningCertificatesRepository(source),
    accountTasks: new AccountTasksRepository(source),
  };
}
export type Repositories = ReturnType<typeof createRepositories>;

export const usersRepository = new UsersRepository();
export const filesRepository = new FilesRepository();
export const generatedPdfsRepository = new GeneratedPdfsRepository();
export const generationJobsRepository = new GenerationJobsRepository();
export const auditLogsRepository = new AuditLogsRepository();
export const apiKeysRepository = new ApiKeysRepository();
export const refreshTokensRepository = new RefreshTokensRepository();

export type { PrismaClient };
export type {
  ApiKey,
  AuditLog,
  GeneratedPdf,
  GenerationJob,
  Profile,
  RefreshToken,
  SigningCertificate,
  UploadedFile,
  User,
} from '@/generated/prisma/client.js';
export { FileStatus, JobOutput, JobStatus, PdfStatus, Role } from '@/generated/prisma/client.js';

export { createPrismaClient, currentDatabaseUrl, disconnectPrisma, getPrisma, setDatabaseUrl, type PrismaClientOptions } from './client.js';
export { startDatabase, type RunningDatabase } from './database.js';
// startEmbeddedPostgres is deliberately not re-exported: importing this barrel must not pull PGlite's
// socket server into Lambda bundles. Import './embedded-postgres.js' directly (database.ts does, lazily).
export type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded-postgres.js';
export { bigintToJson, jsonReplacer, toJson } from './json.js';
export { dbPush, diffMigrationsToSchema, migrateDeploy, migrateDev, MIGRATIONS_DIR, readMigrations, SCHEMA_PATH } from './migrator.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type ClientSource, type Page, type PageRequest } from './repository.js';
export { ApiKeysRepository, hashApiKey, type CreateApiKeyInput, type PublicApiKey } from './api-keys-repository.js';
export { AuditLogsRepository, type AuditEntry } from './audit-logs-repository.js';
export { FilesRepository, type CreateFileInput, type FileStats, type ListFilesOptions } from './files-repository.js';
export {
  GeneratedPdfsRepository,
  PDF_TRANSITIONS,
  type CompletePdfInput,
  type CreatePdfInput,
  type ListPdfsOptions,
} from './generated-pdfs-repository.js';
export {
  FINISHED_JOB_STATUSES,
  GenerationJobsRepository,
  webhookDeliveryOf,
  webhookDeliverySchema,
  type CreateJobInput,
  type JobRowError,
  type WebhookDelivery,
} from './generation-jobs-repository.js';
export { RefreshTokenError, RefreshTokensRepository, hashRefreshToken, type PublicRefreshToken } from './refresh-tokens-repository.js';
export {
  MAX_CERTIFICATES_PER_USER,
  SigningCertificatesRepository,
  type CreateSigningCertificateInput,
  type PublicSigningCertificate,
} from './signing-certificates-repository.js';
export { UsersRepository, type CreateUserInput, type ListUsersOptions, type ProfileInput, type PublicUser } from './users-repository.js';

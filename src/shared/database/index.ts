/**
 * The data layer's main exports (the seed's `src/shared/database/index.ts`): the PostgreSQL
 * repositories (Prisma) and the DynamoDB repositories, as seed-style singletons and factories.
 * Detailed types live in `./prisma/index.js` and `./ddb/index.js`.
 */
export {
  usersRepository,
  filesRepository,
  generatedPdfsRepository,
  generationJobsRepository,
  auditLogsRepository,
  apiKeysRepository,
  refreshTokensRepository,
  createRepositories,
  getPrisma,
  startDatabase,
} from './prisma/index.js';
export { templatesRepository, fieldsRepository, createDdbRepositories } from './ddb/index.js';
export { createDynamoClients, getDynamoClients, getDocumentClient, setDynamoClients } from './client.js';
export { DynamoRepository } from './repository.js';

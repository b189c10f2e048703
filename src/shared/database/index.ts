/**
 * The data layer's main exports, as the data-layer guide imports them: the PostgreSQL
 * repositories (Prisma) and the DynamoDB repositories, as singletons and factories.
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

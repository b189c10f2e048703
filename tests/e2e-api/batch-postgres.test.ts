import { describe } from 'vitest';
import { describeBatchE2E } from './batch-harness.js';

const url = process.env.TEST_DATABASE_URL;
if (!url) console.warn('[tests/e2e-api/batch-postgres] skipped: TEST_DATABASE_URL is not set');

describe.skipIf(!url)('on an external PostgreSQL', () => {
  describeBatchE2E({ postgresUrl: url });
});

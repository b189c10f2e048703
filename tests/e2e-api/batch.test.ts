import { describeBatchE2E } from './batch-harness.js';

describeBatchE2E();

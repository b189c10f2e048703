// Worker entry when the engine runs from TypeScript sources (tsx, vitest): a worker thread does
// not inherit the parent's loader, so register tsx here, then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
const mod = await import('./batch-worker.ts');
export default mod.default;

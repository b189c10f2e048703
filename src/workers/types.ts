import type { ApiServices } from '@/api/context.js';

/**
 * What a queue handler may use: the same services the API gets (chosen once by src/runtime), so a
 * handler runs unchanged in the embedded consumer, in Lambda, and inline in a request.
 */
export type WorkerServices = Pick<ApiServices, 'config' | 'repos' | 'blobs'>;

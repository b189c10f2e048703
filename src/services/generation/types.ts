import type { ApiServices } from '@/api/context.js';

/** What the generation logic needs; the same set in a request, in an embedded consumer and in Lambda. */
export type GenerationServices = Pick<ApiServices, 'config' | 'repos' | 'blobs' | 'queue' | 'signingSecret'>;

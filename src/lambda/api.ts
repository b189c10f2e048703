import awsLambdaFastify, { type LambdaResponse, type PromiseHandler } from '@fastify/aws-lambda';
import { buildApp } from '@/api/app.js';
import { SERVICE_VERSION } from '@/runtime/version.js';
import { lambdaServices } from './shared/runtime.js';

type Proxy = PromiseHandler<unknown, LambdaResponse>;
/** The parts of API Gateway's payload v2 event and Lambda's context we pass through untouched. */
export type ApiGatewayV2Event = Record<string, unknown> & { rawPath: string; requestContext: Record<string, unknown> };
let proxy: Promise<Proxy> | undefined;

/** API Gateway HTTP API (payload v2) → the same Fastify app as `npm start`. */
export async function handler(event: ApiGatewayV2Event, context: Record<string, unknown> = {}): Promise<LambdaResponse> {
  proxy ??= (async () => {
    const { infra, services } = await lambdaServices();
    const app = await buildApp({ config: services.config, checks: infra.checks, version: SERVICE_VERSION, services });
    return awsLambdaFastify<unknown>(app, { binaryMimeTypes: ['application/pdf', 'application/zip', 'application/octet-stream'] });
  })();
  proxy.catch(() => {
    proxy = undefined;
  });
  return (await proxy)(event, context as never);
}

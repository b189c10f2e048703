import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { ConflictError } from '@/shared/errors.js';
import { attachmentDisposition, BlobExistsError, SignedUrlInvalidError, verifySignedUrl } from '@/shared/storage/index.js';
import type { Services } from '@/services/context.js';
import { problems } from '../schemas/problems.js';

const tags = ['blobs'];
const params = z.object({ bucket: z.string(), '*': z.string() });
const query = z.looseObject({ expires: z.string().optional(), sig: z.string().optional() });

/**
 * The local driver's signed URLs (`/blobs/<bucket>/<key>?expires&sig…`), the embedded stand-in for
 * S3 presigned URLs: no login, the HMAC is the authorisation. GET streams the object out, PUT
 * streams the body in within the signed byte bound. Expired → 403 `signed_url_expired`, anything
 * tampered → 403 `signed_url_invalid` (storage's codes). Only registered with the local driver.
 * Successful PUTs are audited; GETs are not (downloads change nothing).
 */
export const blobRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { blobs, signingSecret } = services;
  // Bodies of signed PUTs are streamed by the handler itself, whatever their content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  app.get(
    '/blobs/:bucket/*',
    {
      schema: {
        operationId: 'downloadSignedBlob',
        description: 'Embedded mode only: serves the object of a signed download URL. The signature is the authorisation; no login.',
        tags,
        summary: 'Download through a signed URL',
        params,
        querystring: query,
        produces: ['application/octet-stream'],
        response: { 200: z.any(), ...problems('signed_url_expired', 'signed_url_invalid', 'blob_not_found') },
      },
    },
    async (request, reply) => {
      const grant = verifySignedUrl(request.url, { secret: signingSecret, method: 'GET' });
      const object = await blobs.get(grant.bucket, grant.key);
      reply.type(object.contentType).header('content-length', object.size).header('cache-control', 'private, no-store');
      if (grant.filename) reply.header('content-disposition', attachmentDisposition(grant.filename));
      return reply.send(object.body);
    },
  );

  app.put(
    '/blobs/:bucket/*',
    {
      schema: {
        operationId: 'uploadSignedBlob',
        description:
          'Embedded mode only: stores the body of a signed upload URL. The content type must be the signed one and the body at most the signed size. A URL stores once: a PUT to a key that already holds an object answers 409 upload_url_used and leaves the stored bytes as they are (as S3 answers 412 to the If-None-Match: * its URL signs).',
        tags,
        summary: 'Upload through a signed URL',
        params,
        querystring: query,
        response: {
          200: z.object({ key: z.string(), size: z.number() }).describe('The stored object'),
          ...problems(
            'signed_url_expired',
            'signed_url_invalid',
            'payload_too_large',
            'invalid_blob_key',
            'blob_key_conflict',
            'upload_url_used',
          ),
        },
      },
    },
    async (request, reply) => {
      const grant = verifySignedUrl(request.url, { secret: signingSecret, method: 'PUT' });
      const given = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      // As with S3, the content type is part of what was signed.
      if (grant.contentType && given !== grant.contentType.toLowerCase()) {
        request.raw.resume();
        throw new SignedUrlInvalidError(`content-type must be ${grant.contentType}`);
      }
      const used = () => new ConflictError('upload_url_used', 'This upload URL was already used; ask for a new one', { key: grant.key });
      // Refused before reading the body when possible; the put-once write below settles races.
      if (await blobs.exists(grant.bucket, grant.key)) {
        request.raw.resume();
        throw used();
      }
      const declared = Number(request.headers['content-length']);
      // Storage's pipeline destroys its source when it fails (a body past the signed bound). The
      // request stream itself must survive that, or the 413 never reaches the client: on a socket
      // the connection is reset, and on Node 22+ the request counts as aborted, so no reply is sent.
      const body = new PassThrough();
      request.raw.pipe(body);
      let result;
      try {
        result = await blobs.put(grant.bucket, grant.key, body, {
          contentType: grant.contentType ?? 'application/octet-stream',
          maxBytes: grant.maxBytes,
          contentLength: Number.isFinite(declared) ? declared : undefined,
          ifAbsent: true,
        });
      } catch (err) {
        request.raw.unpipe(body);
        request.raw.resume();
        // The rest of a refused body is not worth reading; the client opens a new connection.
        reply.header('connection', 'close');
        if (err instanceof BlobExistsError) throw used();
        throw err;
      }
      // No login here, so the trail names the key (which names its user) and the bucket.
      request.audit = {
        action: 'blobs.put',
        resourceType: 'blob',
        resourceId: result.key,
        details: { bucket: grant.bucket, size: result.size, contentType: grant.contentType ?? null },
      };
      return { key: result.key, size: result.size };
    },
  );
};

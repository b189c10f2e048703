import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PublicSigningCertificate } from '@/shared/database/prisma/index.js';
import { uploadCertificate } from '@/services/certificates/signing-certificates.js';
import type { Services } from '@/services/context.js';
import { currentUser } from '../plugins/authenticate.js';
import { idParams, isoDate } from '../schemas/common.js';
import { problems } from '../schemas/problems.js';

const tags = ['signing-certificates'];

const certificateSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    subject: z.string().describe("The signer's common name"),
    issuer: z.string().describe("The issuer's common name"),
    serialNumber: z.string().describe('Hex'),
    fingerprint: z.string().describe("SHA-256 of the signer's certificate (DER), hex"),
    notBefore: isoDate,
    notAfter: isoDate,
    expired: z.boolean().describe('Past notAfter now: documents naming it are refused with certificate_expired'),
    createdAt: isoDate,
  })
  .describe('A stored signing certificate (the PKCS#12 and its password are never returned)');

const uploadBody = z
  .object({
    name: z.string().trim().max(200).optional().describe('Shown in lists; default: the subject'),
    p12: z.base64().min(1).max(1_000_000).describe('The PKCS#12 file (RSA key and its certificate chain), base64'),
    password: z.string().max(1000).describe("The PKCS#12's password; kept sealed with the file"),
  })
  .describe('A PKCS#12 to keep for signing');

function dto(c: PublicSigningCertificate, now = new Date()): z.output<typeof certificateSchema> {
  return {
    id: c.id,
    name: c.name,
    subject: c.subject,
    issuer: c.issuer,
    serialNumber: c.serialNumber,
    fingerprint: c.fingerprint,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    expired: c.notAfter < now,
    createdAt: c.createdAt,
  };
}

/** Certificates an account keeps for PAdES signing; generation names one by `signature.certificateId`. */
export const signingCertificateRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { repos } = services;

  app.post(
    '/api/signing-certificates',
    {
      schema: {
        operationId: 'uploadSigningCertificate',
        description:
          'Reads the PKCS#12 with its password and keeps both sealed (AES-256-GCM, key from the secrets store). A wrong password, an expired or not yet valid certificate, or a file without an RSA key and its certificate is refused and nothing is kept.',
        tags,
        summary: 'Keep a signing certificate (PKCS#12 + password) for PAdES signatures',
        body: uploadBody,
        response: {
          201: certificateSchema,
          ...problems('certificate_invalid', 'certificate_password_invalid', 'certificate_expired', 'certificate_limit_reached'),
        },
      },
    },
    async (request, reply) => {
      const { userId } = currentUser(request);
      const { name, p12, password } = request.body;
      const cert = await uploadCertificate(services, userId, { name, p12: Buffer.from(p12, 'base64'), password });
      request.audit = {
        action: 'signing_certificate.upload',
        resourceType: 'signing_certificate',
        resourceId: cert.id,
        details: { subject: cert.subject, fingerprint: cert.fingerprint },
      };
      return reply.code(201).send(dto(cert));
    },
  );

  app.get(
    '/api/signing-certificates',
    {
      schema: {
        operationId: 'listSigningCertificates',
        description:
          'Every certificate the account keeps, with what was read from it at upload (subject, issuer, serial number, fingerprint, validity) and whether it has expired; never the file or its password.',
        tags,
        summary: "The account's signing certificates, newest first",
        response: { 200: z.object({ items: z.array(certificateSchema) }).describe('Every stored certificate') },
      },
    },
    async (request) => ({ items: (await repos.signingCertificates.list(currentUser(request).userId)).map((c) => dto(c)) }),
  );

  app.get(
    '/api/signing-certificates/:id',
    {
      schema: {
        operationId: 'getSigningCertificate',
        description: "One of the account's certificates, as listed; another account's id answers 404.",
        tags,
        summary: 'One signing certificate',
        params: idParams,
        response: { 200: certificateSchema, ...problems('not_found') },
      },
    },
    async (request) => dto(await repos.signingCertificates.getOwned(currentUser(request).userId, request.params.id)),
  );

  app.delete(
    '/api/signing-certificates/:id',
    {
      schema: {
        operationId: 'deleteSigningCertificate',
        description: 'Deletes the certificate; documents and jobs naming it afterwards are refused with certificate_not_found.',
        tags,
        summary: 'Delete a signing certificate',
        params: idParams,
        response: { 204: z.null().describe('Deleted'), ...problems('not_found') },
      },
    },
    async (request, reply) => {
      await repos.signingCertificates.delete(currentUser(request).userId, request.params.id);
      request.audit = { action: 'signing_certificate.delete', resourceType: 'signing_certificate', resourceId: request.params.id };
      return reply.code(204).send(null);
    },
  );
};

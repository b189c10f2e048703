import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { checkOutputConflicts, isEmptyOutput, type OutputSecrets } from '@/pdf/output/options.js';
import { PdfError } from '@/pdf/errors.js';
import { resolveCertificateKey, seal, unseal } from '@/shared/auth/certificate-key.js';
import type { GenerationJob } from '@/shared/database/prisma/index.js';
import { outputOptionsSchema, type OutputOptions, type OutputOverride } from '@/shared/domain/output.js';
import { AppError } from '@/shared/errors.js';
import { withStoredCertificate } from '@/services/certificates/signing-certificates.js';
import type { Services } from '@/services/context.js';
import { resolveOutput } from './generate.js';
import type { TemplateSnapshot } from './template-source.js';

/**
 * A job's output options: the template's with the request's `outputOptions` override, resolved and
 * checked once at creation and kept on the job row, so every record (and a retry next week) gets
 * the same options whatever the template says by then. Its records are made later, by workers,
 * from queue messages, so secrets never travel with them: a job signs only with a certificate the
 * account stored (by id, opened by the worker), and its encryption passwords are kept sealed on the
 * job row (AES-256-GCM under the certificate key), opened by the worker, never in clear.
 *
 * A merged result is one new file made from the records' pages, which would break each record's
 * signature and PDF/A identification: its records are rendered plain and the options (metadata,
 * PDF/A, signature, encryption) are applied once to the merged document. Factur-X stays one
 * invoice per file, so it is refused for merged output.
 */

export const jobSecretsSchema = z
  .object({
    userPassword: z.string().min(1).max(127).optional(),
    ownerPassword: z.string().min(1).max(127).optional(),
  })
  .describe('Encryption passwords for every record: kept sealed on the job, never in clear, never in queue messages');
export type JobSecrets = z.output<typeof jobSecretsSchema>;

export async function resolveJobOutput(
  services: Services,
  userId: string,
  snapshot: TemplateSnapshot,
  body: { output: GenerationJob['output']; outputOptions?: OutputOverride; secrets?: JobSecrets },
): Promise<OutputOptions | undefined> {
  const output = resolveOutput(snapshot.template.output, body.outputOptions, services.config.output.timestampUrls);
  if (!output || isEmptyOutput(output)) return undefined;
  checkOutputConflicts(output);
  if (output.encryption && !body.secrets?.userPassword && !body.secrets?.ownerPassword) {
    throw new PdfError('encryption_password_missing', "Encryption needs a user or an owner password (the job's secrets)");
  }
  if (body.output === 'merged' && output.facturx) {
    throw new PdfError('output_options_conflict', 'A merged result cannot carry one Factur-X invoice per record; choose individual or zip');
  }
  const certificateId = output.signature?.certificateId;
  if (output.signature && !certificateId) {
    throw new PdfError('certificate_missing', 'A job signs with a stored certificate: name it by signature.certificateId');
  }
  if (certificateId) {
    const cert = await services.repos.signingCertificates.getOwned(userId, certificateId).catch(() => null);
    if (!cert) throw new AppError('certificate_not_found', 'No signing certificate of this account has that id', { certificateId });
    const now = new Date();
    if (now < cert.notBefore || now > cert.notAfter) {
      throw new PdfError('certificate_expired', `The certificate of ${cert.subject} is not valid now`, {
        notBefore: cert.notBefore.toISOString(),
        notAfter: cert.notAfter.toISOString(),
      });
    }
  }
  return output;
}

const secretsContext = (userId: string) => `job-secrets:${userId}`;

export async function sealJobSecrets(services: Services, userId: string, secrets: JobSecrets): Promise<Uint8Array> {
  const key = await resolveCertificateKey(services.config, services.signingSecret);
  return seal(key, Buffer.from(JSON.stringify(secrets), 'utf8'), secretsContext(userId));
}

/** A keyed digest of the passwords for the request hash: equal for equal passwords, no help in guessing them. */
export async function secretsDigest(services: Services, userId: string, secrets: JobSecrets): Promise<string> {
  const key = await resolveCertificateKey(services.config, services.signingSecret);
  const canonical = JSON.stringify([secrets.userPassword ?? null, secrets.ownerPassword ?? null]);
  return createHmac('sha256', key.key).update(secretsContext(userId)).update('\0').update(canonical).digest('hex');
}

/**
 * The secrets `output` (a record's options, or the merged document's) needs: the stored
 * certificate its signature names and the job's sealed passwords, opened in memory.
 */
export async function jobSecrets(
  services: Services,
  job: Pick<GenerationJob, 'userId' | 'sealedSecrets'>,
  output: OutputOptions | null,
): Promise<OutputSecrets | undefined> {
  let secrets: OutputSecrets | undefined;
  if (output?.encryption && job.sealedSecrets) {
    const key = await resolveCertificateKey(services.config, services.signingSecret);
    const plain = unseal(key, job.sealedSecrets, secretsContext(job.userId));
    if (!plain) {
      throw new AppError('certificate_key_unavailable', "The job's passwords were sealed with another key than the server's current one");
    }
    secrets = JSON.parse(Buffer.from(plain).toString('utf8')) as JobSecrets;
  }
  return withStoredCertificate(services, job.userId, output?.signature?.certificateId, secrets);
}

/** The options the job was created with (null: none). */
export function jobOutputOptions(job: Pick<GenerationJob, 'outputOptions'>): OutputOptions | null {
  return job.outputOptions ? outputOptionsSchema.parse(job.outputOptions) : null;
}

/** What each record of the job is made with: its options, or none when they go on the merged result. */
export function recordOutput(job: Pick<GenerationJob, 'output' | 'outputOptions'>): OutputOptions | null {
  return job.output === 'merged' ? null : jobOutputOptions(job);
}

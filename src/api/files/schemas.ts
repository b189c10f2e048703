import { z } from 'zod';
import { bigSize, isoDate, pageQuery } from '../schemas/common.js';

export const fileStatusSchema = z.enum(['uploaded', 'processing', 'ready', 'failed']);

/** What processing found (src/workers/file-processing.ts); unknown keys pass through. */
export const fileMetadataSchema = z
  .looseObject({
    pageCount: z.number().int().optional(),
    pages: z.array(z.object({ width: z.number(), height: z.number(), rotation: z.number() })).optional(),
    formFields: z.array(z.unknown()).optional(),
    sha256: z.string().optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional().describe('Why processing rejected the PDF'),
  })
  .describe('What inspecting the PDF found: pages (PDF points) and AcroForm fields offered as template fields');

export const fileSchema = z
  .object({
    id: z.string(),
    originalFilename: z.string(),
    fileSize: bigSize,
    mimeType: z.string(),
    status: fileStatusSchema,
    sha256: z.string().nullable(),
    metadata: fileMetadataSchema,
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .describe('An uploaded PDF');

export const fileEnvelope = z.object({ file: fileSchema }).describe('The file');

export const listFilesQuery = pageQuery.extend({ status: fileStatusSchema.optional() });

export const uploadUrlBody = z
  .object({
    filename: z.string().min(1).max(255),
    contentType: z.literal('application/pdf'),
    /** Exact byte size the client will PUT; the local URL refuses more, confirm refuses a mismatch. */
    size: z.number().int().min(1).describe('Exact byte size the client will PUT'),
  })
  .describe('The file to upload through a signed URL');

export const uploadUrlResponse = z
  .object({
    fileId: z.string(),
    uploadUrl: z.string(),
    method: z.literal('PUT'),
    headers: z
      .record(z.string(), z.string())
      .describe('Send all of these with the PUT: the signed content type and, on S3, If-None-Match: * (the URL stores once)'),
    expiresAt: isoDate,
  })
  .describe('Where and how to PUT the bytes, then confirm fileId');

export const signedUrlResponse = z.object({ url: z.string(), expiresAt: isoDate }).describe('A signed download URL and when it expires');

export const fileStatsResponse = z
  .object({
    totalFiles: z.number().int(),
    totalSize: bigSize,
    /** Exact at any size (totalSize is a JSON number). */
    totalSizeString: z.string(),
  })
  .describe('Count and total byte size of the files');

import { z } from 'zod';

/**
 * A template's output options: what is done to each generated document after its fields are
 * drawn (metadata, PDF/A, Factur-X, signature, encryption). Stored on the template, overridable
 * per generate request or job. Secrets (certificate, passwords) are not part of these options:
 * they travel separately (see OutputSecrets in the engine) so they are never stored with a template.
 */

export const documentMetadataSchema = z.object({
  title: z.string().max(1000).optional(),
  author: z.string().max(1000).optional(),
  subject: z.string().max(2000).optional(),
  keywords: z.array(z.string().max(200)).max(100).optional(),
  /** BCP 47 language tag, e.g. "en-GB" (the catalog's /Lang). */
  language: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'a BCP 47 language tag such as en-GB')
    .optional(),
});
export type DocumentMetadata = z.infer<typeof documentMetadataSchema>;

export const PDFA_LEVELS = ['2b', '3b'] as const;
export const pdfaLevelSchema = z.enum(PDFA_LEVELS);
export type PdfaLevel = z.infer<typeof pdfaLevelSchema>;

/** Factur-X 1.07 / ZUGFeRD 2.3 profiles, smallest first (XRechnung-compatible CII is EN 16931). */
export const FACTURX_PROFILES = ['MINIMUM', 'BASIC WL', 'BASIC', 'EN 16931', 'EXTENDED'] as const;
export type FacturxProfile = (typeof FACTURX_PROFILES)[number];
export const facturxOptionsSchema = z.object({
  profile: z.enum(FACTURX_PROFILES).default('EN 16931'),
  /** The payload key holding the invoice: the structured invoice object, or the caller's own CII XML as a string. */
  invoiceKey: z
    .string()
    .min(1)
    .max(200)
    .default('invoice')
    .describe(
      "The data key holding the invoice: either the invoice object (its CII XML is written, totals computed from the lines) or a string with the caller's own CII XML of this profile (embedded byte for byte; the fields are drawn from its values). Either way the XML is checked against the profile's XSD and the EN 16931 rules we implement: 422 invoice_xml_invalid, invoice_profile_mismatch or invoice_rules_violated, whose problem body lists every broken rule as rules: [{ rule: 'BR-CO-10', message, location }].",
    ),
});
export type FacturxOptions = z.infer<typeof facturxOptionsSchema>;

export const SIGNATURE_LEVELS = ['B-B', 'B-T'] as const;
/** DocMDP permission: none = approval signature; no-changes = P 1; form-fill = P 2. */
export const CERTIFICATIONS = ['none', 'no-changes', 'form-fill'] as const;
export const signatureOptionsSchema = z.object({
  level: z.enum(SIGNATURE_LEVELS).default('B-B'),
  certification: z.enum(CERTIFICATIONS).default('none'),
  /** RFC 3161 timestamp authority; required for B-T. */
  timestampUrl: z.url({ protocol: /^https?$/ }).optional(),
  reason: z.string().max(500).optional(),
  location: z.string().max(500).optional(),
  contactInfo: z.string().max(500).optional(),
  signerName: z.string().max(500).optional(),
  /** A certificate the account stored (POST /api/signing-certificates), instead of one posted in the request's secrets. */
  certificateId: z.uuid().optional(),
  /** A signature field of the template: the signature is shown in its box ("Digitally signed by …"); absent: invisible. */
  fieldId: z.string().min(1).max(64).optional(),
});
export type SignatureOptions = z.infer<typeof signatureOptionsSchema>;

export const encryptionPermissionsSchema = z.object({
  print: z.boolean().default(true),
  copy: z.boolean().default(false),
  modify: z.boolean().default(false),
  fill: z.boolean().default(true),
});
export const encryptionOptionsSchema = z.object({
  /** AES-256 (revision 6) is the only algorithm offered. */
  algorithm: z.literal('AES-256').default('AES-256'),
  permissions: encryptionPermissionsSchema.default({ print: true, copy: false, modify: false, fill: true }),
});
export type EncryptionOptions = z.infer<typeof encryptionOptionsSchema>;

export const outputOptionsSchema = z.object({
  metadata: documentMetadataSchema.optional(),
  pdfa: pdfaLevelSchema.optional(),
  facturx: facturxOptionsSchema.optional(),
  signature: signatureOptionsSchema.optional(),
  encryption: encryptionOptionsSchema.optional(),
});
export type OutputOptions = z.output<typeof outputOptionsSchema>;
export type OutputOptionsInput = z.input<typeof outputOptionsSchema>;

/** A request's or job's override: each part given replaces the template's; null removes it. */
export const outputOverrideSchema = z.object({
  metadata: documentMetadataSchema.nullable().optional(),
  pdfa: pdfaLevelSchema.nullable().optional(),
  facturx: facturxOptionsSchema.nullable().optional(),
  signature: signatureOptionsSchema.nullable().optional(),
  encryption: encryptionOptionsSchema.nullable().optional(),
});
export type OutputOverride = z.output<typeof outputOverrideSchema>;

export function mergeOutputOptions(template: OutputOptions | undefined, override: OutputOverride | undefined): OutputOptions | undefined {
  if (!override) return template;
  const merged: Record<string, unknown> = { ...template };
  for (const [k, v] of Object.entries(override)) {
    if (v === null) delete merged[k];
    else if (v !== undefined) merged[k] = k === 'metadata' ? { ...template?.metadata, ...(v as object) } : v;
  }
  return merged as OutputOptions;
}

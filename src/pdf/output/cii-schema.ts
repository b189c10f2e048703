import type * as Libxml2 from 'libxml2-wasm';
import type { FacturxProfile } from '@/shared/domain/output.js';
import { FACTURX_XSD } from './facturx-xsd.gen.js';

/**
 * The XSD check of a CII invoice against its profile's Factur-X 1.07.3 schema, at run time, by
 * libxml2 compiled to WebAssembly (libxml2-wasm: the same library as the tests' `xmllint`, no
 * native build). The schemas are compiled once per profile and kept; their imports are served
 * from memory (facturx-xsd.gen.ts), never from the file system or the network.
 *
 * libxml2 instantiates its WebAssembly (16 MB of memory) when imported, so it is loaded only for
 * the first Factur-X document (loadSchemaValidator) rather than by every engine thread.
 */

let libxml2: typeof Libxml2 | undefined;

/** Loads libxml2 for schemaIssues (idempotent): awaited by whatever is about to check an invoice. */
export async function loadSchemaValidator(): Promise<void> {
  libxml2 ??= await import('libxml2-wasm');
}

function loaded(): typeof Libxml2 {
  if (!libxml2) throw new Error('libxml2 is not loaded: await loadSchemaValidator() before checking an invoice');
  return libxml2;
}

const BASE = 'file:///facturx-xsd/';
const MAIN: Record<FacturxProfile, string> = {
  MINIMUM: 'Factur-X_1.07.3_MINIMUM.xsd',
  'BASIC WL': 'Factur-X_1.07.3_BASICWL.xsd',
  BASIC: 'Factur-X_1.07.3_BASIC.xsd',
  'EN 16931': 'Factur-X_1.07.3_EN16931.xsd',
  EXTENDED: 'Factur-X_1.07.3_EXTENDED.xsd',
};

export interface SchemaIssue {
  /** Where: the element's XPath as libxml2 gives it, else the line. */
  path: string;
  code: 'schema' | 'not_well_formed';
  message: string;
}

let registered = false;
const validators = new Map<FacturxProfile, Libxml2.XsdValidator>();

function validatorFor(profile: FacturxProfile): Libxml2.XsdValidator {
  const known = validators.get(profile);
  if (known) return known;
  const { XmlBufferInputProvider, XmlDocument, XsdValidator, xmlRegisterInputProvider } = loaded();
  if (!registered) {
    const buffers: Record<string, Uint8Array> = {};
    for (const [name, text] of Object.entries(FACTURX_XSD)) {
      const bytes = new TextEncoder().encode(text);
      buffers[`${BASE}${name}`] = bytes;
      buffers[`/facturx-xsd/${name}`] = bytes;
    }
    xmlRegisterInputProvider(new XmlBufferInputProvider(buffers));
    registered = true;
  }
  const schema = XmlDocument.fromString(FACTURX_XSD[MAIN[profile]]!, { url: `${BASE}${MAIN[profile]}` });
  try {
    const validator = XsdValidator.fromDoc(schema);
    validators.set(profile, validator);
    return validator;
  } finally {
    schema.dispose();
  }
}

/** Every XSD error of the XML against the profile's schema (empty: valid). */
export function schemaIssues(xml: string, profile: FacturxProfile): SchemaIssue[] {
  const validator = validatorFor(profile);
  const { XmlDocument, XmlValidateError } = loaded();
  let doc: Libxml2.XmlDocument;
  try {
    doc = XmlDocument.fromString(xml);
  } catch (err) {
    return [{ path: '/', code: 'not_well_formed', message: `not well-formed XML: ${(err as Error).message.trim()}` }];
  }
  try {
    validator.validate(doc);
    return [];
  } catch (err) {
    if (!(err instanceof XmlValidateError)) throw err;
    return err.details.slice(0, 50).map((d) => ({ path: d.xpath ?? `line ${d.line}`, code: 'schema' as const, message: d.message.trim() }));
  } finally {
    doc.dispose();
  }
}

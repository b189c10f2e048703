import type { Deps } from '@/services/context.js';
import type { StoredField } from '@/shared/database/ddb/index.js';
import { inspectIsolated } from '@/pdf/engine-pool.js';
import { readAll } from '@/shared/storage/read.js';
import { baseKey } from '@/services/templates/metadata.js';
import { ownedTemplate } from './save.js';

/** Adds the base PDF's AcroForm fields as template fields (those not imported yet); returns the new ones. */
export async function importFormFields(
  services: Deps<'repos' | 'blobs' | 'config'>,
  userId: string,
  templateId: string,
): Promise<StoredField[]> {
  const { repos, blobs, config } = services;
  const template = await ownedTemplate(services, userId, templateId);
  const result = await inspectIsolated(await readAll(blobs, 'files', baseKey(template)), {}, config.engine);
  // Not imported yet: neither linked to the form field nor already a field of that name (one the
  // user unlinked to draw it at its own box would otherwise come back as a duplicate).
  const current = await repos.fields.listByTemplate(template.templateId);
  const linked = new Set(current.map((f) => f.advanced.acroFormName).filter(Boolean));
  const names = new Set(current.map((f) => f.name));
  const fresh = result.suggestedFields.filter((f) => !linked.has(f.advanced.acroFormName) && !names.has(f.name));
  return fresh.length ? repos.fields.batchUpsert(template.templateId, fresh) : [];
}

import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPI3, PathItemObject } from 'openapi-typescript';
import {
  DOCUMENT_PATH,
  REGENERATE,
  TYPES_PATH,
  buildOpenApiDocument,
  renderOpenApiFiles,
  staleOpenApiFiles,
} from '../../scripts/openapi.js';

/**
 * The studio is typed from a committed copy of the API's OpenAPI document; this fails when a route's
 * schema changed without the copy and its generated types being regenerated.
 */
describe('the studio API types', () => {
  let document: OpenAPI3;
  let rendered: Record<string, string>;
  beforeAll(async () => {
    document = await buildOpenApiDocument();
    rendered = await renderOpenApiFiles(document);
  });

  it(`are generated from the routes as committed (run ${REGENERATE} when this fails)`, async () => {
    const stale = await staleOpenApiFiles(rendered);
    expect(stale, `${stale.join(', ')} out of date: run ${REGENERATE} and commit the result`).toEqual([]);
  });

  it('come from the document with every route, including the authenticated ones', () => {
    const paths = Object.keys(document.paths ?? {});
    expect(paths).toContain('/health');
    expect(paths).toContain('/api/templates/{id}/fields');
    expect(paths).toContain('/api/templates/{id}/jobs');
    expect(rendered[TYPES_PATH]).toContain("'/api/templates/{id}/fields': {");
  });

  it('detect a changed route (the drift check can fail)', async () => {
    const changed = structuredClone(document);
    const operation = (changed.paths!['/api/fonts'] as PathItemObject).get!;
    operation.summary = `${operation.summary ?? ''} (changed)`;
    const stale = await staleOpenApiFiles(await renderOpenApiFiles(changed));
    expect(stale.sort()).toEqual([DOCUMENT_PATH, TYPES_PATH].sort());
  });
});

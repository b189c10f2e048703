import { describe, expect, it } from 'vitest';
import { DEFAULT_STYLE, makeField } from '../state/fields.js';
import { curlExample } from './ApiKeysPage.js';

describe('curlExample', () => {
  it('is a ready-to-paste generate request with the key', () => {
    const s = curlExample('http://localhost:3000', 'pk_live_123');
    expect(s).toContain("curl -X POST 'http://localhost:3000/api/templates/TEMPLATE_ID/generate'");
    expect(s).toContain('-H "x-api-key: pk_live_123"');
    expect(s).toContain("-H 'accept: application/pdf'");
  });

  it('names a real template and builds the body from its binding keys', () => {
    const field = {
      ...makeField('number', 1, { x: 0, y: 0, width: 50, height: 20 }, DEFAULT_STYLE, new Set()),
      bindingKey: 'invoice.total',
    };
    const s = curlExample('http://localhost:3000', 'pk_1', { templateId: 'tpl-9', fields: [field] });
    expect(s).toContain("'http://localhost:3000/api/templates/tpl-9/generate'");
    expect(s).toContain(`-d '{"data":{"invoice":{"total":1234.5}}}'`);
  });
});

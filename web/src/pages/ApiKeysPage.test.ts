import { describe, expect, it } from 'vitest';
import { curlExample } from './ApiKeysPage.js';

describe('curlExample', () => {
  it('is a ready-to-paste generate request with the key', () => {
    const s = curlExample('http://localhost:3000', 'pk_live_123');
    expect(s).toContain("curl -X POST 'http://localhost:3000/api/templates/TEMPLATE_ID/generate'");
    expect(s).toContain("-H 'x-api-key: pk_live_123'");
    expect(s).toContain("-H 'accept: application/pdf'");
  });
});

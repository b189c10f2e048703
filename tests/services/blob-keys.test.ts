import { describe, expect, it } from 'vitest';
import {
  exportKey,
  generatedKey,
  jobResultKey,
  parseBlobKey,
  templateBaseKey,
  templatePrefix,
  templateRevisionKey,
  templateVersionKey,
  uploadKey,
  userExportsPrefix,
  userPrefix,
} from '@/services/blob-keys.js';
import { assertValidKey } from '@/shared/storage/index.js';

describe('blob key layout', () => {
  it('every key it builds is a valid storage key and parses back to its kind and ids', () => {
    const upload = uploadKey('u1');
    expect(upload).toMatch(/^users\/u1\/uploads\/[0-9a-f-]{36}\.pdf$/);
    const cases = [
      [upload, { kind: 'upload', userId: 'u1' }],
      [generatedKey('u1', 'p9'), { kind: 'generated', userId: 'u1', pdfId: 'p9' }],
      [jobResultKey({ userId: 'u1', id: 'j2', output: 'zip' }), { kind: 'job_result', userId: 'u1', jobId: 'j2' }],
      [jobResultKey({ userId: 'u1', id: 'j3', output: 'merged' }), { kind: 'job_result', userId: 'u1', jobId: 'j3' }],
      [templateBaseKey('t1'), { kind: 'template_base', templateId: 't1' }],
      [exportKey('u1'), { kind: 'export', userId: 'u1' }],
      [templateVersionKey('t1', 12), { kind: 'template_version', templateId: 't1', version: 12 }],
      [templateRevisionKey('t1'), { kind: 'template_base', templateId: 't1' }],
    ] as const;
    for (const [key, kind] of cases) {
      expect(() => assertValidKey(key)).not.toThrow();
      expect(parseBlobKey(key), key).toEqual(kind);
    }
    expect(jobResultKey({ userId: 'u1', id: 'j3', output: 'merged' })).toBe('users/u1/jobs/j3/result.pdf');
    expect(templateBaseKey('t1').startsWith(templatePrefix('t1'))).toBe(true);
    // Account deletion sweeps these prefixes: every per-user key is under one of them.
    for (const key of [upload, generatedKey('u1', 'p9'), jobResultKey({ userId: 'u1', id: 'j2', output: 'zip' })])
      expect(key.startsWith(userPrefix('u1'))).toBe(true);
    expect(exportKey('u1').startsWith(userExportsPrefix('u1'))).toBe(true);
    expect(templateVersionKey('t1', 1).startsWith(templatePrefix('t1'))).toBe(true);
    // Deleting a template sweeps its prefix: a replaced base's revisions go with it.
    expect(templateRevisionKey('t1').startsWith(templatePrefix('t1'))).toBe(true);
    expect(templateRevisionKey('t1')).not.toBe(templateRevisionKey('t1'));
  });

  it('keys outside the layout are not taken for one of its kinds', () => {
    for (const key of [
      'users/u1/generated/sub/p.pdf',
      'users/u1/jobs/j1/other.pdf',
      'users/u1/uploads/x.txt',
      'templates/t1/versions/latest.json',
      'templates/t1/base.pdf.bak',
      'exports/u1/sub/x.zip',
      'stray.pdf',
    ])
      expect(parseBlobKey(key), key).toBeUndefined();
  });
});

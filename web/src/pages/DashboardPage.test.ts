import { describe, expect, it } from 'vitest';
import type { UploadedFile } from '../api/types.js';
import { waitUntilProcessed } from './DashboardPage.js';

const file = (status: UploadedFile['status'], error?: UploadedFile['metadata']['error']): UploadedFile => ({
  id: 'f1',
  originalFilename: 'a.pdf',
  fileSize: 10,
  mimeType: 'application/pdf',
  status,
  sha256: null,
  metadata: error ? { error } : { pageCount: 1 },
  createdAt: '',
  updatedAt: '',
});

describe('waitUntilProcessed', () => {
  it('returns a ready file at once and polls a processing one until ready', async () => {
    expect((await waitUntilProcessed({ getFile: () => Promise.reject(new Error('not called')) }, file('ready'))).status).toBe('ready');
    const answers = [file('processing'), file('ready')];
    let calls = 0;
    const f = await waitUntilProcessed({ getFile: async () => ({ file: answers[calls++] }) }, file('uploaded'));
    expect(f.status).toBe('ready');
    expect(calls).toBe(2);
  });

  it('explains a file the server rejected while processing', async () => {
    await expect(
      waitUntilProcessed(
        { getFile: async () => ({ file: file('failed', { code: 'pdf_encrypted', message: 'needs a password' }) }) },
        file('processing'),
      ),
    ).rejects.toThrow('That PDF is password-protected. Remove the password and upload it again. (needs a password)');
  });
});

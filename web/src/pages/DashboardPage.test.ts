import { describe, expect, it, vi } from 'vitest';
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
    // Polling with backoff is time: a fake clock steps through it instead of waiting 750 ms.
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    try {
      const answers = [file('processing'), file('ready')];
      let calls = 0;
      const done = waitUntilProcessed({ getFile: async () => ({ file: answers[calls++] }) }, file('uploaded'));
      await vi.advanceTimersByTimeAsync(249);
      expect(calls).toBe(0);
      await vi.advanceTimersByTimeAsync(1); // first poll after 250 ms: still processing
      expect(calls).toBe(1);
      await vi.advanceTimersByTimeAsync(499);
      expect(calls).toBe(1);
      await vi.advanceTimersByTimeAsync(1); // then twice the delay: ready
      expect(calls).toBe(2);
      expect((await done).status).toBe('ready');
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up with a message once the deadline passes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    try {
      let calls = 0;
      const done = waitUntilProcessed({ getFile: async () => (calls++, { file: file('processing') }) }, file('processing'), 10_000);
      const outcome = done.then(
        () => 'resolved',
        (err: Error) => err.message,
      );
      await vi.advanceTimersByTimeAsync(20_000);
      expect(await outcome).toBe('The PDF is still being processed. Try again in a moment.');
      // Polls at 0.25, 0.75, 1.75, 3.75, 6.75 and 9.75 s; the wait begun before the deadline ends
      // with a seventh at 12.75 s, and then it gives up.
      expect(calls).toBe(7);
    } finally {
      vi.useRealTimers();
    }
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

import type { ApiClient } from './client.js';
import { ApiError, networkError, parseProblem } from './problem.js';
import type { UploadedFile } from './types.js';

/**
 * Uploads a PDF to `POST /api/files` with XMLHttpRequest, because fetch cannot report upload
 * progress. A 401 `token_expired` refreshes the session and retries once.
 */
export function uploadFile(
  client: ApiClient,
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<UploadedFile> {
  const attempt = () =>
    new Promise<UploadedFile>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${client.baseUrl}/api/files`);
      xhr.setRequestHeader('accept', 'application/json');
      if (client.token) xhr.setRequestHeader('authorization', `Bearer ${client.token}`);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(e.loaded / e.total);
      };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress(1);
          const body = JSON.parse(xhr.responseText) as { file: UploadedFile };
          resolve(body.file);
        } else {
          reject(new ApiError(parseProblem(xhr.status, xhr.responseText)));
        }
      };
      xhr.onerror = () => reject(networkError(new Error('upload failed')));
      xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
      signal?.addEventListener('abort', () => xhr.abort());
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.send(form);
    });
  return attempt().catch(async (err: unknown) => {
    if (err instanceof ApiError && err.status === 401 && (await client.refresh())) return attempt();
    throw err;
  });
}

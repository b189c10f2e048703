import { expect, it } from 'vitest';
import { forEachApi, registerUser } from '../helpers/api.js';

/** Multipart bodies that end without their closing boundary, sent whole (no slow client involved). */
forEachApi('truncated multipart uploads', (api) => {
  it('answer 400 mp_premature_close at once and store nothing', async () => {
    const user = await registerUser(api().app, 'truncated');
    const head = '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n';
    for (const payload of [`${head}%PDF-1.7\n`, `${head}%PDF-1.7\n${'0 0 obj\n'.repeat(20_000)}`, head]) {
      const res = await api().app.inject({
        method: 'POST',
        url: '/api/files',
        headers: { ...user.headers, 'content-type': 'multipart/form-data; boundary=XYZ' },
        payload,
      });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
      expect(res.json().code).toBe('mp_premature_close');
    }
    const files = await api().app.inject({ method: 'GET', url: '/api/files', headers: user.headers });
    expect(files.json().items).toEqual([]);
  });
});

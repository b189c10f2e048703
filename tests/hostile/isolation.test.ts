import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApi, registerUser, type TestApi, type TestUser } from '../helpers/api.js';
import { pageText } from '../helpers/pdf-readback.js';
import { createTemplate } from '../api/generate-fixtures.js';
import type { FieldInput } from '@/shared/domain/field.js';
import { dataUrl, pngDeclaring } from './bombs.js';

/**
 * Engine work runs off the request thread: while a pathological document renders (an 8000×8000
 * PNG bomb, let through by a raised pixel budget, decodes for seconds), /health and a normal
 * generate are answered, and the pathological one fails alone with the typed render_timeout.
 * On the old code the decode held the event loop and then succeeded (no typed failure).
 */
const FIELDS: FieldInput[] = [
  { name: 'Customer', type: 'text', page: 1, position: { x: 50, y: 100 }, size: { width: 300, height: 24 }, bindingKey: 'customer.name' },
  { name: 'Logo', type: 'image', page: 1, position: { x: 50, y: 320 }, size: { width: 100, height: 50 }, bindingKey: 'logo' },
];

// Every scanline present (a complete zlib stream of zeros, ~250 KB): decoding really inflates 256 MB.
const BOMB = dataUrl(pngDeclaring(8000, 8000, 8000 * (8000 * 4 + 1)), 'png');

let api: TestApi;
let user: TestUser;
let templateId: string;

beforeAll(async () => {
  api = await createTestApi('pglite', {
    MAX_IMAGE_PIXELS: '100000000',
    MAX_IMAGE_BYTES: '1073741824',
    // Well below the bomb's decode time on any machine (about 4 s here, under 4 s on a faster
    // one), well above a normal document's few milliseconds.
    RENDER_TIMEOUT_MS: '1500',
    ENGINE_THREADS: '2',
  });
  user = await registerUser(api.app, 'hostile-iso');
  ({ templateId } = await createTemplate(api.app, user.headers, FIELDS));
});
afterAll(async () => {
  await api?.close();
});

const generate = (data: Record<string, unknown>, accept = 'application/json') =>
  api.app.inject({ method: 'POST', url: `/api/templates/${templateId}/generate`, headers: { ...user.headers, accept }, payload: { data } });

it('answers /health and a normal generate while a pathological document renders; that one fails typed', async () => {
  // Warm the pool with a normal document first, so what follows measures isolation, not start-up.
  expect((await generate({ customer: { name: 'Warm' } })).statusCode).toBe(200);
  let bombDone = false;
  const bomb = generate({ customer: { name: 'Bomb' }, logo: BOMB }).finally(() => {
    bombDone = true;
  });
  await new Promise((r) => setTimeout(r, 300)); // the bomb is on a thread now
  const health = await api.app.inject({ method: 'GET', url: '/health' });
  const normal = await generate({ customer: { name: 'Ada Lovelace' } }, 'application/pdf');
  const answeredDuringBomb = !bombDone;
  expect(health.statusCode, health.body).toBeLessThan(500);
  expect(normal.statusCode, normal.body.slice(0, 300)).toBe(200);
  expect(await pageText(normal.rawPayload)).toContain('Ada Lovelace');
  expect(answeredDuringBomb).toBe(true);
  const res = await bomb;
  expect(res.statusCode, res.body.slice(0, 300)).toBe(422);
  expect(res.json().code).toBe('render_timeout');
  // The pool replaced the ended thread: the next document renders.
  expect((await generate({ customer: { name: 'After' } })).statusCode).toBe(200);
});

import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@/shared/config/index.js';
import { ValidationError } from '@/shared/errors.js';
import { createMailer, OutboxMailer } from '@/shared/email/index.js';

/** OutboxMailer writes real .eml files; each is parsed back with mailparser. */
let dir: string;

beforeAll(async () => {
  await fs.mkdir(path.resolve('.test-data'), { recursive: true });
  dir = await fs.mkdtemp(path.resolve('.test-data', 'outbox-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));

describe('OutboxMailer', () => {
  it('writes one valid MIME message per send, with UTF-8 subject and both bodies', async () => {
    const outbox = path.join(dir, 'a');
    const mailer = new OutboxMailer({ directory: outbox, from: 'no-reply@pdf-studio.local' });
    const subject = 'Ihre Rechnung „INV-001“ ist fertig ✓ — 日本語';
    const text = 'Hallo Jürgen,\n\nIhr PDF ist fertig: https://pdf.example.com/d/abc?x=1&y=2\n'.repeat(3);
    const html = '<p>Hallo <b>Jürgen</b>, <a href="https://pdf.example.com/d/abc">PDF</a></p>';
    const sent = await mailer.send({ to: ['a@example.com', 'b@example.org'], subject, text, html, replyTo: 'support@example.com' });
    const files = await fs.readdir(outbox);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d{2}-\d{2}T[\d-]+Z-[0-9a-f-]{36}\.eml$/);
    expect(sent.path).toBe(path.join(outbox, files[0]));

    const raw = await fs.readFile(sent.path);
    // Headers are 7-bit: the subject is an RFC 2047 encoded-word, not raw UTF-8.
    const headerBlock = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1');
    expect(/^[\x20-\x7e\r\n\t]*$/.test(headerBlock)).toBe(true);
    expect(headerBlock).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/m);
    expect(headerBlock).toMatch(/^MIME-Version: 1\.0$/m);
    expect(headerBlock).toMatch(/^Content-Type: multipart\/alternative;/m);

    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(subject);
    expect(parsed.text).toBe(text);
    expect(parsed.html).toBe(html);
    expect(addresses(parsed.from)).toEqual(['no-reply@pdf-studio.local']);
    expect(addresses(parsed.to)).toEqual(['a@example.com', 'b@example.org']);
    expect(addresses(parsed.replyTo)).toEqual(['support@example.com']);
    expect(parsed.messageId).toBe(sent.messageId);
    expect(sent.messageId).toMatch(/^<[0-9a-f-]{36}@pdf-studio\.local>$/);
    expect(Math.abs((parsed.date?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  it('writes a plain-text message as text/plain and keeps messages apart', async () => {
    const outbox = path.join(dir, 'b');
    const mailer = new OutboxMailer({ directory: outbox, from: 'no-reply@pdf-studio.local' });
    await mailer.send({ to: 'a@example.com', subject: 'one', text: 'first' });
    await mailer.send({ to: 'a@example.com', subject: 'two', text: 'second' });
    const files = (await fs.readdir(outbox)).sort();
    expect(files).toHaveLength(2);
    const parsed = await Promise.all(files.map(async (f) => simpleParser(await fs.readFile(path.join(outbox, f)))));
    expect(parsed.map((p) => p.subject).sort()).toEqual(['one', 'two']);
    expect(parsed.every((p) => p.html === false)).toBe(true);
    const raw = await fs.readFile(path.join(outbox, files[0]), 'latin1');
    expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8$/m);
  });

  it('refuses a bad address or an empty subject and writes nothing', async () => {
    const outbox = path.join(dir, 'c');
    const mailer = new OutboxMailer({ directory: outbox, from: 'no-reply@pdf-studio.local' });
    await expect(mailer.send({ to: 'not an address', subject: 's', text: 't' })).rejects.toBeInstanceOf(ValidationError);
    await expect(mailer.send({ to: 'a@example.com', subject: '', text: 't' })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: 'subject' })],
    });
    // A header-injection attempt through the subject stays inside the subject.
    await mailer.send({ to: 'a@example.com', subject: 'hi\r\nBcc: evil@example.com', text: 't' });
    const [file] = await fs.readdir(outbox);
    const parsed = await simpleParser(await fs.readFile(path.join(outbox, file)));
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headers.has('bcc')).toBe(false);
  });

  it('createMailer: outbox under <dataDir>/outbox by default, from EMAIL_FROM', async () => {
    const mailer = createMailer(loadConfig({ DATA_DIR: dir, EMAIL_FROM: 'studio@example.com' }));
    expect(mailer.driver).toBe('outbox');
    await mailer.send({ to: 'a@example.com', subject: 'factory', text: 'x' });
    const [file] = await fs.readdir(path.join(dir, 'outbox'));
    const parsed = await simpleParser(await fs.readFile(path.join(dir, 'outbox', file)));
    expect(addresses(parsed.from)).toEqual(['studio@example.com']);
  });
});

import { createServer, type Server } from 'node:http';
import { afterAll, expect, it } from 'vitest';
import { FINALIZE_KIND, handlePdfGeneration, MAX_ATTEMPTS } from '@/services/generation/jobs.js';
import { SIGNATURE_HEADER, verifyWebhook } from '@/services/generation/webhook.js';
import { systemResolver, type ResolvedAddress } from '@/services/generation/webhook-target.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { createTemplate } from '../api/generate-fixtures.js';

/**
 * Job webhooks are requests our server makes where a client says: they must not reach loopback,
 * private or link-local networks, the metadata endpoint or the Lambda runtime API, whatever the
 * spelling of the address, nor be rebound there by DNS between the check and the delivery. The
 * test plays DNS (services.resolveHost) so public-looking names can resolve where it wants.
 */

const PUBLIC_IP = '93.184.216.34';
const dns = new Map<string, string[]>();
async function fakeResolver(hostname: string): Promise<ResolvedAddress[]> {
  const answer = dns.get(hostname);
  if (!answer) return systemResolver(hostname);
  if (answer.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
}

/** Every form of an internal target the server used to POST to, or accept. */
const REFUSED: [string, string][] = [
  ['http://127.0.0.1/hook', 'loopback'],
  ['http://localhost:3000/hook', 'loopback'],
  ['http://127.1/hook', 'loopback'],
  ['http://2130706433/hook', 'loopback'],
  ['http://0x7f000001/hook', 'loopback'],
  ['http://0177.0.0.1/hook', 'loopback'],
  ['http://0.0.0.0:3000/hook', 'unspecified'],
  ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
  ['http://10.0.0.1/hook', 'private'],
  ['http://172.16.5.4/hook', 'private'],
  ['http://192.168.1.1/hook', 'private'],
  ['http://100.64.0.1/hook', 'carrierGradeNat'],
  ['http://224.0.0.1/hook', 'multicast'],
  ['http://255.255.255.255/hook', 'broadcast'],
  ['http://240.0.0.1/hook', 'reserved'],
  // The Lambda runtime API (AWS_LAMBDA_RUNTIME_API is 127.0.0.1:9001).
  ['http://127.0.0.1:9001/2018-06-01/runtime/invocation/next', 'loopback'],
  ['http://[::1]/hook', 'loopback'],
  ['http://[::]/hook', 'unspecified'],
  ['http://[::ffff:127.0.0.1]/hook', 'loopback'],
  ['http://[::ffff:7f00:1]/hook', 'loopback'],
  ['http://[::7f00:1]/hook', 'loopback'],
  ['http://[64:ff9b::a9fe:a9fe]/hook', 'linkLocal'],
  ['http://[fd00:ec2::254]/latest/meta-data/', 'uniqueLocal'],
  ['http://[fc00::1]/hook', 'uniqueLocal'],
  ['http://[fe80::1]/hook', 'linkLocal'],
  ['http://[ff02::1]/hook', 'multicast'],
  // Names: resolving to the metadata endpoint; one public and one private address (any one refuses).
  ['http://metadata.hooks.test/hook', 'linkLocal'],
  ['https://mixed.hooks.test/hook', 'private'],
  ['http://v6-loopback.hooks.test/hook', 'loopback'],
  ['http://nowhere.hooks.test/hook', 'unresolvable'],
];

forEachApi(
  'job webhooks only reach public addresses or the allow-list; notification emails only the account',
  (api) => {
    let a: TestUser;
    let templateId: string;
    let receiver: Server;
    let port: number;
    const received: { url: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];

    afterAll(() => {
      receiver?.close();
    });

    const createJob = (payload: Record<string, unknown>) =>
      api().app.inject({
        method: 'POST',
        url: `/api/templates/${templateId}/jobs`,
        headers: a.headers,
        payload: { records: [{ customer: { name: 'Ann' }, amount: 1 }], ...payload },
      });
    const getJob = async (id: string) => (await api().app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: a.headers })).json().job;
    /** Runs the job's one record, then its finalize step as the queue's `attempt`-th delivery would. */
    const runJob = async (jobId: string) => {
      await handlePdfGeneration(api().services, {
        id: `${jobId}-record`,
        attempt: 1,
        body: { templateId, userId: a.id, payload: { customer: { name: 'Ann' }, amount: 1 }, jobId, recordIndex: 0, version: 1 },
      });
    };
    const finalize = (jobId: string, attempt: number) =>
      handlePdfGeneration(api().services, {
        id: `${jobId}-finalize-${attempt}`,
        attempt,
        body: { templateId, userId: a.id, payload: {}, jobId, kind: FINALIZE_KIND },
      });

    it('sets up a user, a template, a local receiver and the test resolver', async () => {
      a = await registerUser(api().app, 'hooks');
      ({ templateId } = await createTemplate(api().app, a.headers));
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          received.push({ url: req.url ?? '', headers: req.headers, body });
          res.statusCode = req.url === '/fail' ? 500 : 204;
          res.end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      port = (receiver.address() as { port: number }).port;
      api().services.resolveHost = fakeResolver;
      dns.set('localhost', ['127.0.0.1', '::1']);
      dns.set('metadata.hooks.test', ['169.254.169.254']);
      dns.set('mixed.hooks.test', [PUBLIC_IP, '10.1.2.3']);
      dns.set('v6-loopback.hooks.test', ['::ffff:127.0.0.1']);
      dns.set('nowhere.hooks.test', []);
      dns.set('public.hooks.test', [PUBLIC_IP, '2606:2800:220:1:248:1893:25c8:1946']);
      dns.set('svc.corp.test', ['10.20.1.2']);
      dns.set('receiver.internal.test', ['127.0.0.1']);
    });

    it.each(REFUSED)('refuses %s at creation (%s), naming the field and why, and creates no job', async (url, reason) => {
      const before = (await api().app.inject({ method: 'GET', url: '/api/jobs', headers: a.headers })).json().total;
      const res = await createJob({ webhookUrl: url });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'webhook_url_forbidden', field: 'webhookUrl', reason });
      // The answer names the host the client gave, never an address a name resolved to.
      if (!/\/\/[\d[]/.test(url)) expect(res.json().detail).not.toMatch(/\d+\.\d+\.\d+\.\d+|::/);
      expect((await api().app.inject({ method: 'GET', url: '/api/jobs', headers: a.headers })).json().total).toBe(before);
    });

    it('accepts a public host, and an internal one the allow-list names by network', async () => {
      for (const webhookUrl of ['https://public.hooks.test/hook', `http://${PUBLIC_IP}/hook`, 'http://svc.corp.test/hook']) {
        const res = await createJob({ webhookUrl });
        expect(res.statusCode, `${webhookUrl}: ${res.body}`).toBe(202);
        expect(res.json().job.webhook).toEqual({ url: webhookUrl, status: 'pending', attempts: 0 });
      }
    });

    it('DNS rebinding: a name that resolved publicly at creation and to 127.0.0.1 at delivery is not contacted', async () => {
      dns.set('rebind.hooks.test', [PUBLIC_IP]);
      const res = await createJob({ webhookUrl: `http://rebind.hooks.test:${port}/rebound` });
      expect(res.statusCode, res.body).toBe(202);
      const jobId = res.json().job.id;
      dns.set('rebind.hooks.test', ['127.0.0.1']);
      await runJob(jobId);
      // Refused at delivery is final: the finalize step does not throw for a retry.
      await finalize(jobId, 1);
      expect(received.filter((r) => r.url === '/rebound')).toHaveLength(0);
      const job = await getJob(jobId);
      expect(job.status).toBe('completed');
      expect(job.webhook).toMatchObject({ status: 'failed', attempts: 1 });
      expect(job.webhook.lastError).toMatch(/rebind\.hooks\.test resolves to a loopback address/);
      expect(job.webhook.lastError).not.toContain('127.0.0.1');
    });

    it('the allow-list lets a loopback receiver through, and the delivery arrives signed', async () => {
      const url = `http://receiver.internal.test:${port}/ok`;
      const res = await createJob({ webhookUrl: url });
      expect(res.statusCode, res.body).toBe(202);
      const jobId = res.json().job.id;
      await runJob(jobId);
      await finalize(jobId, 1);
      const hits = received.filter((r) => r.url === '/ok');
      expect(hits).toHaveLength(1);
      const secret = (await api().app.inject({ method: 'GET', url: '/api/jobs/webhook-secret', headers: a.headers })).json().secret;
      expect(verifyWebhook(secret, hits[0]!.body, String(hits[0]!.headers[SIGNATURE_HEADER]))).toBe(true);
      expect(JSON.parse(hits[0]!.body)).toMatchObject({ type: 'job.completed', data: { jobId, done: 1 } });
      const job = await getJob(jobId);
      expect(job.webhook).toMatchObject({ url, status: 'delivered', attempts: 1 });
      expect(job.webhook.deliveredAt).toBeTruthy();
      // A redelivered finalize message sends nothing more.
      await finalize(jobId, 2);
      expect(received.filter((r) => r.url === '/ok')).toHaveLength(1);
    });

    it('a failing receiver is retried through the queue and its failure stays visible on the job', async () => {
      const res = await createJob({ webhookUrl: `http://receiver.internal.test:${port}/fail` });
      expect(res.statusCode, res.body).toBe(202);
      const jobId = res.json().job.id;
      await runJob(jobId);
      // Not the last attempt: the finalize step throws so the queue retries it with backoff.
      await expect(finalize(jobId, 1)).rejects.toThrow(/answered 500/);
      expect((await getJob(jobId)).webhook).toMatchObject({ status: 'retrying', attempts: 1 });
      await finalize(jobId, MAX_ATTEMPTS);
      const job = await getJob(jobId);
      expect(job.status).toBe('completed');
      expect(job.webhook).toMatchObject({ status: 'failed', attempts: 2 });
      expect(job.webhook.lastError).toBe(`webhook http://receiver.internal.test:${port}/fail answered 500`);
      expect(received.filter((r) => r.url === '/fail')).toHaveLength(2);
      const list = (await api().app.inject({ method: 'GET', url: '/api/jobs', headers: a.headers })).json();
      expect(list.items.find((j: { id: string }) => j.id === jobId).webhook.status).toBe('failed');
    });

    it('an unreachable receiver is recorded with an error code, not the address it resolved to', async () => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const deadPort = (closed.address() as { port: number }).port;
      await new Promise((r) => closed.close(r));
      const res = await createJob({ webhookUrl: `http://receiver.internal.test:${deadPort}/gone` });
      expect(res.statusCode, res.body).toBe(202);
      const jobId = res.json().job.id;
      await runJob(jobId);
      await finalize(jobId, MAX_ATTEMPTS);
      const job = await getJob(jobId);
      expect(job.webhook).toMatchObject({ status: 'failed', attempts: 1 });
      expect(job.webhook.lastError).toBe(`webhook http://receiver.internal.test:${deadPort}/gone unreachable: ECONNREFUSED`);
    });

    it("notifyEmail: the account's own address or an allowed domain, nobody else", async () => {
      const other = await createJob({ notifyEmail: 'victim@elsewhere.example' });
      expect(other.statusCode, other.body).toBe(422);
      expect(other.json()).toMatchObject({ code: 'notify_email_forbidden', field: 'notifyEmail' });
      expect((await createJob({ notifyEmail: a.email.toUpperCase() })).statusCode).toBe(202);
      expect((await createJob({ notifyEmail: 'oncall@ops.example.org' })).statusCode).toBe(202);
      // A subdomain is another domain.
      expect((await createJob({ notifyEmail: 'x@evil.ops.example.org' })).statusCode).toBe(422);
    });
  },
  { WEBHOOK_ALLOWED_HOSTS: 'receiver.internal.test,10.20.0.0/16', NOTIFY_EMAIL_ALLOWED_DOMAINS: 'ops.example.org' },
);

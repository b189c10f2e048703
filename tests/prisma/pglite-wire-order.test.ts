import { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servePGlite } from '@/shared/database/prisma/embedded-postgres.js';
import { endsExchange } from '@/shared/database/prisma/pglite-wire-order.js';

/**
 * Several connections to the embedded PGlite at once (Prisma's pool, pg-boss, db:studio): each
 * connection's extended-protocol exchanges must stay whole, or queries get each other's parameters.
 */
describe('embedded PGlite over the socket with concurrent connections', () => {
  let served: Awaited<ReturnType<typeof servePGlite>>;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    served = await servePGlite(await PGlite.create(), { migrate: false });
    for (let i = 0; i < 4; i++) {
      const c = new pg.Client({ connectionString: served.url });
      await c.connect();
      clients.push(c);
    }
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await served?.stop();
  });

  it('runs interleaved parameterised queries of different shapes, each with its own parameters', async () => {
    const rounds = 25;
    // Large parameters make a Bind span several TCP reads, which is when another connection's
    // messages can get in between (small exchanges usually arrive in one read).
    const filler = 'x'.repeat(256 * 1024);
    const work = clients.map(async (client, n) => {
      const results: string[] = [];
      for (let i = 0; i < rounds; i++) {
        // Different parameter counts per connection: a mixed-up Bind fails loudly, a mixed-up value is caught below.
        const params = Array.from({ length: n + 1 }, (_, k) => `c${n}-r${i}-p${k}-${filler}`);
        const sql = `SELECT md5(concat_ws('|', ${params.map((_, k) => `$${k + 1}::text`).join(', ')})) AS v`;
        const res = await client.query(sql, params);
        results.push(res.rows[0].v);
        expect(res.rows[0].v).toBe(createHash('md5').update(params.join('|')).digest('hex'));
      }
      return results.length;
    });
    expect(await Promise.all(work)).toEqual([rounds, rounds, rounds, rounds]);
  });

  it('keeps a transaction on its connection while others query', async () => {
    await clients[0].query('CREATE TABLE IF NOT EXISTS t (n int)');
    await clients[0].query('BEGIN');
    await clients[0].query('INSERT INTO t VALUES ($1)', [1]);
    const other = clients[1].query('SELECT count(*)::int AS n FROM t WHERE n = $1', [1]);
    await clients[0].query('INSERT INTO t VALUES ($1)', [1]);
    await clients[0].query('COMMIT');
    // The other connection's query waited for the transaction and saw both rows.
    expect((await other).rows[0].n).toBe(2);
  });

  it('classifies the messages that end an exchange', () => {
    expect(endsExchange(Uint8Array.of(0x53, 0, 0, 0, 4))).toBe(true); // Sync
    expect(endsExchange(Uint8Array.of(0x51, 0, 0, 0, 5, 0))).toBe(true); // Query
    expect(endsExchange(Uint8Array.of(0x42, 0, 0, 0, 4))).toBe(false); // Bind
    expect(endsExchange(Uint8Array.of(0x50, 0, 0, 0, 4))).toBe(false); // Parse
    expect(endsExchange(Uint8Array.of(0, 0, 0, 8, 4, 210, 22, 47))).toBe(true); // SSLRequest (length first)
  });
});

import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Keeps each connection's extended-protocol exchange whole on PGlite's single session.
 *
 * pglite-socket 0.2.17 queues frontend messages from all connections and, outside an explicit
 * transaction, runs them in arrival order. An extended-query exchange is several messages
 * (Parse, Bind, Describe, Execute … Sync) that share session state (the unnamed statement and
 * portal), so two connections interleaving them corrupt each other: "bind message supplies 2
 * parameters, but prepared statement requires 3" — or, worse, a query silently runs with another
 * connection's parameters (electric-sql/pglite#1046, fix pending upstream in #977).
 *
 * Hand-written because no released version fixes it: after a message that does not end an
 * exchange, the queue only takes that same connection's next message until it sends Sync ('S'),
 * a simple Query ('Q') or Terminate ('X'), or disconnects. Remove once pglite-socket ships the fix.
 */

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(err: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: {
    isInTransaction(): boolean;
    runExclusive<T>(fn: () => Promise<T>): Promise<T>;
    execProtocolRawStream(m: Uint8Array, o: { onRawData(d: Uint8Array): void }): Promise<unknown>;
  };
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

const EXCHANGE_END = new Set(['S', 'Q', 'X']);

/** Whether `message` (one frontend message) ends its connection's exchange. */
export function endsExchange(message: Uint8Array): boolean {
  // Startup, SSL and cancel requests start with a length, not a type letter; they stand alone.
  const first = message[0];
  if (first === undefined || first < 0x41 || first > 0x7a) return true;
  return EXCHANGE_END.has(String.fromCharCode(first));
}

export function keepExchangesWhole(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  if (!q || typeof q.processQueue !== 'function') throw new Error('pglite-socket internals changed: review pglite-wire-order.ts');
  let owner: number | null = null;

  q.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const holder = this.db.isInTransaction() && this.lastHandlerId !== null ? this.lastHandlerId : owner;
        const index = holder === null ? 0 : this.queue.findIndex((m) => m.handlerId === holder);
        // The holder's next message has not arrived yet: everyone else waits for it.
        if (index === -1) break;
        const [item] = this.queue.splice(index, 1);
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          owner = null;
          item.reject(err);
          continue;
        }
        owner = endsExchange(item.message) ? null : item.handlerId;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };

  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    if (owner === handlerId) {
      owner = null;
      void q.processQueue();
    }
  };
}

// Preloaded into a server the bench starts (`node --import ./scripts/bench-statements.mjs …`):
// counts every statement any pg client of the process sends — which is how Prisma, pg-boss and the
// migrator all reach PostgreSQL and the embedded PGlite — and answers the count over the IPC
// channel the bench opened, so round trips are counted in the server itself, not estimated.
import pg from 'pg';

let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (...args) {
  statements++;
  return query.apply(this, args);
};

if (process.send) {
  process.on('message', (message) => {
    if (message === 'statements') process.send({ statements });
  });
  // The channel must not keep a server alive that was asked to stop.
  process.channel?.unref();
}

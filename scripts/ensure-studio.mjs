// `npm start` serves the studio from web/dist: build it once on a fresh clone (it is not committed).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync(new URL('../web/dist/index.html', import.meta.url))) {
  console.log('[pdf-studio] building the studio (first start only)…');
  const run = spawnSync('npm', ['run', 'build:web'], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error('[pdf-studio] the studio could not be built; the API still starts (run `npm run build:web` to see why)');
  }
}

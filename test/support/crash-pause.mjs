// Preloaded into a real `wirefeed build` (node --import) by test/crash.test.ts, so the test can
// kill -9 it at an exact step of its file writing instead of guessing a delay.
// Counts every mkdir, writeFile, rename and rm made through fs/promises (the static export and
// the item cache use only these). With WIREFEED_PAUSE_AT=N, step N prints "paused N op path" on
// stderr and never finishes (a writeFile first writes half its bytes, leaving a partial file);
// with WIREFEED_COUNT_STEPS=1 the number of steps and each step's op are printed at exit.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const pauseAt = Number(process.env.WIREFEED_PAUSE_AT ?? 0);
const steps = [];

for (const op of ['mkdir', 'writeFile', 'rename', 'rm']) {
  const original = fs.promises[op];
  fs.promises[op] = async (path, ...rest) => {
    steps.push(`${op} ${path}`);
    if (steps.length === pauseAt) {
      if (op === 'writeFile') {
        const data = Buffer.from(rest[0]);
        fs.writeFileSync(path, data.subarray(0, data.length >> 1));
      }
      fs.writeSync(2, `paused ${steps.length} ${op} ${path}\n`);
      // Keep the process alive, stuck at this step, until it is killed.
      setInterval(() => {}, 1 << 30);
      return new Promise(() => {});
    }
    return original(path, ...rest);
  };
}
syncBuiltinESMExports();

if (process.env.WIREFEED_COUNT_STEPS) process.on('exit', () => fs.writeSync(2, `steps ${JSON.stringify(steps)}\n`));

// Preloaded into a real `wirefeed build` (node --import) by test/crash.test.ts, so the test can
// kill -9 it at an exact step of its file writing instead of guessing a delay.
// Names every mkdir, writeFile, rename, rm and link made through fs/promises (the static export
// and the build caches use only these) as "op path" (a link by the path it creates), the path
// relative to the working directory and
// the pid written PID and the spare tree's folder (a hash of the output path) H, so that steps
// are named alike in every run. With WIREFEED_PAUSE_AT set
// to "<name>@<k>", the k-th step of that name prints "paused <name>@<k>" on stderr and never
// finishes (a writeFile first writes half its bytes, leaving a partial file); with
// WIREFEED_COUNT_STEPS=1 every step's name is printed at exit.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const pauseAt = process.env.WIREFEED_PAUSE_AT;
const cwd = process.cwd();
const steps = [];
const seen = new Map();

for (const op of ['mkdir', 'writeFile', 'rename', 'rm', 'link']) {
  const original = fs.promises[op];
  fs.promises[op] = async (path, ...rest) => {
    const named = op === 'link' ? rest[0] : path;
    const step = `${op} ${String(named).replace(cwd, '.').replaceAll(String(process.pid), 'PID').replace(/\/trees\/[\w-]{16}(?=\/|$)/, '/trees/H')}`;
    steps.push(step);
    seen.set(step, (seen.get(step) ?? 0) + 1);
    if (`${step}@${seen.get(step)}` === pauseAt) {
      if (op === 'writeFile') {
        const data = Buffer.from(rest[0]);
        fs.writeFileSync(path, data.subarray(0, data.length >> 1));
      }
      fs.writeSync(2, `paused ${pauseAt}\n`);
      // Keep the process alive, stuck at this step, until it is killed.
      setInterval(() => {}, 1 << 30);
      return new Promise(() => {});
    }
    return original(path, ...rest);
  };
}
syncBuiltinESMExports();

if (process.env.WIREFEED_COUNT_STEPS) process.on('exit', () => fs.writeSync(2, `steps ${JSON.stringify(steps)}\n`));

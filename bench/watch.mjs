// Watch-mode rebuild: `wirefeed serve --watch` on a corpus whose caches a build filled, then
// documents edited one at a time, each timed from the write until the server answers with the
// edit (the item's page, polled every 5 ms on fresh connections). Two kinds of edit:
// a document with a declared date (Markdown front matter: the edit changes only its text) and an
// undated one (plain text dated by its mtime: the edit also makes it the newest item, so it
// moves to the top of its feeds and every archive page after its old place changes).
import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, median, wirefeedBin } from './lib.mjs';

const POLL_MS = 5;
/** The site URL `wirefeed build` uses by default: the same URL keeps the build's caches valid. */
const SITE_URL = 'http://localhost:3000';

async function get(url) {
  // A fresh connection each time: a kept-alive one the server just closed would fail the poll.
  const response = await fetch(url, { headers: { connection: 'close' } });
  return { status: response.status, text: await response.text() };
}

async function until(test, timeoutMs) {
  const stop = Date.now() + timeoutMs;
  for (;;) {
    if (await test()) return;
    if (Date.now() > stop) throw new Error(`not reached within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The item key the build gives a bench seed (the hex part of its name; bench seeds declare no id). */
function keyOf(file) {
  return file.replace(/\.[^.]+$/, '').split('_').pop();
}

export async function benchWatch(dir, seeds, { timeoutMs, edits = 5 }) {
  const port = await freePort();
  const started = performance.now();
  const args = [wirefeedBin(), 'serve', '--watch', '--quiet', '--seeds', seeds, '--port', String(port), '--limit', '50', '--site-url', SITE_URL];
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SOURCE_DATE_EPOCH: '' } });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const base = `http://127.0.0.1:${port}`;
  try {
    await until(async () => (await get(`${base}/readyz`).catch(() => ({ status: 0 }))).status === 200, timeoutMs);
    const startS = (performance.now() - started) / 1000;
    const files = readdirSync(seeds).sort();
    const pick = (ext, i) => files.filter((file) => file.endsWith(ext))[(1 + i * 7919) % files.length % files.filter((file) => file.endsWith(ext)).length];
    const time = async (file, i) => {
      const marker = `Watch edit ${i} ${Date.now()}`;
      const page = `${base}/items/${keyOf(file)}`;
      if ((await get(page)).status !== 200) throw new Error(`${page} is not served: the bench needs the item key of ${file}`);
      const edited = performance.now();
      appendFileSync(join(seeds, file), `\n${marker} was appended to this story.\n`);
      await until(async () => (await get(page)).text.includes(marker), timeoutMs);
      const ms = +(performance.now() - edited).toFixed(1);
      // Let the server finish compressing in the background before the next edit.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return ms;
    };
    const dated = [];
    const undated = [];
    for (let i = 0; i < edits; i++) dated.push(await time(pick('.md', i), i));
    for (let i = 0; i < edits; i++) undated.push(await time(pick('.txt', i), edits + i));
    return { startS: +startS.toFixed(2), datedMs: dated, undatedMs: undated, datedMedianMs: median(dated), undatedMedianMs: median(undated) };
  } catch (error) {
    throw new Error(`${error.message}\n${stderr.slice(-2000)}`);
  } finally {
    child.kill('SIGTERM');
  }
}

// Turns bench results into the Markdown tables of docs/benchmarks.md, replacing
// only the part between the generated-section markers.
import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

const pct = (v) => (Number.isFinite(v) ? `${Math.round(v * 100)} %` : '–');
const num = (v, digits = 0) => (Number.isFinite(v) ? v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
const yes = (ok) => (ok === undefined ? '–' : ok ? '**met**' : '**not met**');

/** A profile frame name as a table cell: pipes escaped, long regular expressions shortened. */
const frame = (name) => `\`${(name.length > 60 ? `${name.slice(0, 57)}…` : name).replace(/\|/g, '\\|')}\``;

function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function run(cell) {
  if (!cell) return '–';
  if (cell.timedOut) return `> ${cell.limitS} s (stopped)`;
  return `${num(cell.wallS, 2)} s`;
}

/** Each target of issue 7 with its measured figure; `met` is undefined when the run could not measure it. */
export function targets(results) {
  const at = (size) => results.building.find((b) => b.size === size);
  const compare = results.building.find((b) => b.hugo) ?? results.building[results.building.length - 1];
  const ratio = (name, base) => results.serving.ratios.filter((r) => r.case === name && r.baseline === base);
  const rows = [];
  const warm = compare?.warm;
  const hugo = compare?.hugo;
  rows.push([`warm build of ${num(compare?.size)} ≤ 0.5 × Hugo`, warm && hugo && !warm.timedOut && !hugo.timedOut ? `${num(warm.wallS / hugo.wallS, 2)} × Hugo (medians ${num(warm.wallS, 2)} s vs ${num(hugo.wallS, 2)} s; runs ${(warm.runsS ?? [warm.wallS]).map((v) => num(v, 2)).join(' / ')} vs ${(hugo.runsS ?? [hugo.wallS]).map((v) => num(v, 2)).join(' / ')})` : 'not measured', yes(warm && hugo && !warm.timedOut ? warm.wallS / hugo.wallS <= 0.5 : undefined)]);
  const colds = results.building.filter((b) => b.cold && !b.cold.timedOut);
  const biggestCold = colds[colds.length - 1]?.cold;
  rows.push(['cold build ≥ 100 documents/s on 2 cores', colds.map((b) => `${num(b.cold.itemsPerS)}/s at ${num(b.size)}`).join(', ') || 'not measured', yes(biggestCold ? colds.every((b) => b.cold.itemsPerS >= 100) : undefined)]);
  const big = at(100000);
  const bigRss = big?.cold && !big.cold.timedOut ? Math.max(big.cold.peakRssMB, big.warm?.peakRssMB ?? 0) : undefined;
  rows.push(['peak memory at 100k < 1 GiB', big ? (bigRss ? `${num(bigRss)} MB` : `cold build did not finish in ${big.cold?.limitS} s`) : `not run (sizes in this run: ${results.building.map((r) => num(r.size)).join(', ')})`, yes(bigRss !== undefined ? bigRss < 1024 : undefined)]);
  const { incremental: inc, incrementalDated: incDated } = (at(10000) ?? compare) ?? {};
  const measured = [inc, incDated].filter((cell) => cell && !cell.timedOut);
  rows.push([
    `incremental rebuild (one file of ${num((at(10000) ?? compare)?.size)}) < 200 ms to feeds on disk`,
    measured.length ? [inc && `undated document (it moves to the top): ${run(inc)}`, incDated && `dated document: ${run(incDated)}`].filter(Boolean).join('; ') : 'not measured',
    yes(measured.length ? measured.every((cell) => cell.wallS < 0.2) : undefined),
  ]);
  const watch = (at(10000) ?? compare)?.watch;
  rows.push([
    `in watch mode, one edited file of ${num((at(10000) ?? compare)?.size)} served < 200 ms`,
    watch ? `dated document: median ${num(watch.datedMedianMs)} ms (${watch.datedMs.map((ms) => num(ms)).join(' / ')}); undated, so it moves to the top: median ${num(watch.undatedMedianMs)} ms` : 'not measured',
    yes(watch ? Math.max(watch.datedMedianMs, watch.undatedMedianMs) < 200 : undefined),
  ]);
  for (const [name, base, min] of [['wirefeed-gzip', 'raw-gzip', 0.9], ['wirefeed-br', 'raw-br', 0.9], ['wirefeed-304', 'raw-304', 0.9], ['wirefeed-gzip', 'nginx-gzip', 0.5], ['wirefeed-304', 'nginx-304', 0.5]]) {
    const found = ratio(name, base);
    rows.push([`${name} ≥ ${min} × ${base}`, found.map((r) => `${r.ratio} (${r.tool})`).join(', ') || 'not measured', yes(found.length ? found.every((r) => r.ratio >= min) : undefined)]);
  }
  const zlib = results.serving.requestProfile;
  rows.push(['no per-request compression (CPU profile of the server under load)', zlib ? `${zlib.zlibMs} ms in zlib of ${num(zlib.totalMs)} ms answering requests` : 'not profiled', yes(zlib ? zlib.zlibMs === 0 : undefined)]);
  return rows;
}

export function renderTables(results) {
  const v = results.versions;
  const m = results.machine;
  const parts = [];
  parts.push(`Run of ${results.date.slice(0, 16).replace('T', ' ')} UTC (${results.mode}, ${results.seconds} s), commit \`${v.commit}\`, on ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, ${m.kernel}. Node ${v.node}, Koa ${v.koa}, feed ${v.feed}, compromise ${v.compromise}, autocannon ${v.autocannon}, ${v.wrk}, ${v.nginx}, ${v.hugo}.`);
  parts.push('### Targets\n\n' + table(['target', 'measured', ''], targets(results)));

  const s = results.serving;
  parts.push(`### Serving\n\nOne ~50-item RSS feed (${num(s.feedBytes)} bytes identity); server on core 0, load generator on core 1; 64 connections; ${s.timing.warmupS} s warm-up, then ${s.timing.reps} runs of ${s.timing.durationS} s; medians. Category feed: ${s.found.category ?? 'none in this build'}; archive page: ${s.found.archive ?? 'none in this build'}.\n\n` +
    table(['case', 'tool', 'req/s', 'p99 ms', 'server core busy', 'load generator core busy', 'runs (req/s)'], s.cases.map((c) => [c.name, c.tool, num(c.reqPerS), num(c.p99Ms, 2), pct(c.serverCoreBusy), pct(c.clientCoreBusy), c.runs.map((r) => num(r)).join(' / ') + (c.errors ? ` (${c.errors} unexpected statuses)` : '')])));
  parts.push('Ratios (same run):\n\n' + table(['case', 'baseline', 'tool', 'ratio', 'target'], s.ratios.map((r) => [r.case, r.baseline, r.tool, num(r.ratio, 2), r.target ? `≥ ${r.target}` : '–'])));
  if (s.requestProfile) {
    parts.push(`CPU profile of the Wirefeed server, samples inside request handling only (${num(s.requestProfile.totalMs)} ms), by file:\n\n` + table(['file', 'self ms', 'share'], s.requestProfile.files.slice(0, 8).map((f) => [frame(f.name), num(f.ms), pct(f.share)])));
  }

  const b = results.building;
  parts.push(`### Building\n\n\`wirefeed build --limit 50\` on generated corpora; wall time, CPU time and peak RSS from \`/usr/bin/time\`; cold = empty \`.wirefeed-cache/\`, warm = every item cached, incremental = one document edited, then a full \`wirefeed build\` (first an undated text document, whose date, its mtime, makes it the newest item; then a dated Markdown document); warm and Hugo are the median of 5 runs that alternate; watch = \`wirefeed serve --watch\` on the same folder, its start until ready, then from writing an edit until the item's page shows it (median of ${b.find((r) => r.watch)?.watch.datedMs.length ?? 0} edits each of a dated Markdown document and of an undated text document, which the edit makes the newest).\n\n` +
    table(['documents', 'cold', 'cold items/s', 'cold cores used', 'cold peak RSS', 'warm', 'warm peak RSS', 'incremental: undated / dated', 'watch: start / dated edit / undated edit', 'Hugo', 'Hugo peak RSS', '`feed` 3 formats'], b.map((r) => [
      num(r.size), run(r.cold), num(r.cold?.itemsPerS), num(r.cold?.coresUsed, 2), r.cold?.peakRssMB ? `${num(r.cold.peakRssMB)} MB` : '–', run(r.warm), r.warm?.peakRssMB ? `${num(r.warm.peakRssMB)} MB` : '–', `${run(r.incremental)} / ${run(r.incrementalDated)}`,
      r.watch ? `${num(r.watch.startS, 2)} s / ${num(r.watch.datedMedianMs)} ms / ${num(r.watch.undatedMedianMs)} ms` : '–', run(r.hugo), r.hugo?.peakRssMB ? `${num(r.hugo.peakRssMB)} MB` : '–', r.feedPackage ? `${num(r.feedPackage.renderS, 2)} s (process ${num(r.feedPackage.processPeakRssMB)} MB)` : '–',
    ])));
  const profiled = b.filter((r) => r.profile);
  for (const r of profiled) {
    for (const kind of ['cold', 'warm']) {
      const p = r.profile[kind];
      if (p) parts.push(`CPU profile, ${kind} build of ${num(r.size)} (all threads, ${num(p.totalMs)} ms of samples), self time by file:\n\n` + table(['file', 'self ms', 'share'], p.files.slice(0, 8).map((f) => [frame(f.name), num(f.ms), pct(f.share)])));
    }
  }
  return parts.join('\n\n');
}

export function updateDocs(path, results) {
  const doc = readFileSync(path, 'utf8');
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`${path} has no ${START} … ${END} section`);
  writeFileSync(path, `${doc.slice(0, start + START.length)}\n${renderTables(results)}\n${doc.slice(end)}`);
}

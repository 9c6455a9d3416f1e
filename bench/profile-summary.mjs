// Summarizes a V8 .cpuprofile (from node --cpu-prof): self time per function and
// per source file, so a benchmark report can say what dominates a build.
import { readFileSync } from 'node:fs';

/**
 * Self time in ms by function ("name file:line") and by file, largest first,
 * over one or more profiles (a build's main thread and its workers). With
 * `within`, only samples whose stack has a frame from a matching URL count
 * (e.g. /_http_server/ for the time spent answering requests).
 */
export function summarizeProfile(paths, { top = 15, within } = {}) {
  const byFunction = new Map();
  const byFile = new Map();
  let total = 0;
  for (const path of [paths].flat()) total += addProfile(JSON.parse(readFileSync(path, 'utf8')), within, byFunction, byFile);
  const rank = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, micros]) => ({ name, ms: Math.round(micros / 1000), share: +(micros / total).toFixed(3) }));
  return { totalMs: Math.round(total / 1000), functions: rank(byFunction), files: rank(byFile) };
}

function addProfile(profile, within, byFunction, byFile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inside = (id) => {
    for (let at = id; at !== undefined; at = parent.get(at)) if (within.test(byId.get(at).callFrame.url)) return true;
    return false;
  };
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    if (within && !inside(id)) continue;
    self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  let total = 0;
  for (const [id, micros] of self) {
    const frame = byId.get(id).callFrame;
    const file = shortFile(frame.url) || `(${frame.functionName || 'native'})`;
    const fn = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
    byFile.set(file, (byFile.get(file) ?? 0) + micros);
    total += micros;
  }
  return total;
}

/** Groups node_modules files by package, project files by their path under dist/ or src/. */
function shortFile(url) {
  if (!url) return '';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  const own = url.match(/\/(dist|src)\/(.+)$/);
  if (own) return own[2];
  return url.replace(/^file:\/\//, '').replace(/^node:/, 'node:');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(summarizeProfile(process.argv.slice(2)), null, 1));
}

// Summarizes a V8 .cpuprofile (from node --cpu-prof): self time per function and
// per source file, so a benchmark report can say what dominates a build.
import { readFileSync } from 'node:fs';

/** Self time in ms by function ("name file:line") and by file, largest first. */
export function summarizeProfile(path, top = 15) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const byFunction = new Map();
  const byFile = new Map();
  let total = 0;
  for (const [id, micros] of self) {
    const frame = byId.get(id).callFrame;
    const file = shortFile(frame.url) || `(${frame.functionName || 'native'})`;
    const fn = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
    byFile.set(file, (byFile.get(file) ?? 0) + micros);
    total += micros;
  }
  const rank = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, micros]) => ({ name, ms: Math.round(micros / 1000), share: +(micros / total).toFixed(3) }));
  return { totalMs: Math.round(total / 1000), functions: rank(byFunction), files: rank(byFile) };
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
  console.log(JSON.stringify(summarizeProfile(process.argv[2], Number(process.argv[3] ?? 15)), null, 1));
}

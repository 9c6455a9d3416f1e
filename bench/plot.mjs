// Draws the bench results as one SVG: build time against corpus size (log-log,
// Wirefeed cold/warm/incremental and Hugo) and requests/s per serving case.
// Hand-written SVG: two charts do not need a charting library.

const W = 960;
const H = 420;
const COLORS = { cold: '#c0392b', warm: '#2471a3', incremental: '#27ae60', hugo: '#7d3c98' };

function esc(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function buildChart(building, x0, y0, w, h) {
  const series = ['cold', 'warm', 'incremental', 'hugo'].map((key) => ({
    key,
    points: building.map((b) => [b.size, b[key]?.wallS]).filter(([, s]) => Number.isFinite(s)),
  })).filter((s) => s.points.length);
  const all = series.flatMap((s) => s.points);
  if (!all.length) return `<text x="${x0}" y="${y0 + 20}">no build results</text>`;
  const [xmin, xmax] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  const [ymin, ymax] = [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  const lx = (v) => Math.log10(v);
  const sx = (v) => x0 + 50 + (xmax === xmin ? w / 2 : ((lx(v) - lx(xmin)) / (lx(xmax) - lx(xmin))) * (w - 80));
  const sy = (v) => y0 + h - 40 - (ymax === ymin ? h / 2 : ((lx(v) - lx(ymin * 0.8)) / (lx(ymax * 1.25) - lx(ymin * 0.8))) * (h - 80));
  const out = [`<text x="${x0 + w / 2}" y="${y0 + 16}" text-anchor="middle" font-weight="bold">Build time vs corpus size (log-log)</text>`];
  out.push(`<line x1="${x0 + 50}" y1="${y0 + h - 40}" x2="${x0 + w - 20}" y2="${y0 + h - 40}" stroke="#999"/><line x1="${x0 + 50}" y1="${y0 + 30}" x2="${x0 + 50}" y2="${y0 + h - 40}" stroke="#999"/>`);
  for (const size of new Set(all.map((p) => p[0]))) out.push(`<text x="${sx(size)}" y="${y0 + h - 24}" text-anchor="middle">${size.toLocaleString('en')} docs</text>`);
  for (const t of [0.1, 1, 10, 100, 1000, 10000]) if (t >= ymin * 0.8 && t <= ymax * 1.25) out.push(`<text x="${x0 + 44}" y="${sy(t) + 4}" text-anchor="end">${t} s</text><line x1="${x0 + 50}" y1="${sy(t)}" x2="${x0 + w - 20}" y2="${sy(t)}" stroke="#eee"/>`);
  series.forEach((s, i) => {
    out.push(`<polyline fill="none" stroke="${COLORS[s.key]}" stroke-width="2" points="${s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of s.points) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3.5" fill="${COLORS[s.key]}"><title>${s.key} ${x}: ${y} s</title></circle>`);
    out.push(`<rect x="${x0 + 60}" y="${y0 + 30 + i * 16}" width="10" height="10" fill="${COLORS[s.key]}"/><text x="${x0 + 75}" y="${y0 + 39 + i * 16}">${s.key === 'hugo' ? 'Hugo' : `Wirefeed ${s.key}`}</text>`);
  });
  return out.join('\n');
}

function serveChart(cases, x0, y0, w, h) {
  const tool = cases.some((c) => c.tool === 'wrk') ? 'wrk' : 'autocannon';
  const rows = cases.filter((c) => c.tool === tool);
  if (!rows.length) return `<text x="${x0}" y="${y0 + 20}">no serving results</text>`;
  const max = Math.max(...rows.map((c) => c.reqPerS));
  const bar = (h - 50) / rows.length;
  const out = [`<text x="${x0 + w / 2}" y="${y0 + 16}" text-anchor="middle" font-weight="bold">Requests/s per case (${tool}, 64 connections, median)</text>`];
  rows.forEach((c, i) => {
    const y = y0 + 30 + i * bar;
    const len = (c.reqPerS / max) * (w - 230);
    const color = c.name.startsWith('wirefeed') ? '#2471a3' : c.name.startsWith('nginx') ? '#7f8c8d' : '#d35400';
    out.push(`<text x="${x0 + 160}" y="${y + bar * 0.65}" text-anchor="end">${esc(c.name)}</text><rect x="${x0 + 165}" y="${y + 2}" width="${len.toFixed(1)}" height="${(bar - 4).toFixed(1)}" fill="${color}"/><text x="${x0 + 170 + len}" y="${y + bar * 0.65}">${c.reqPerS.toLocaleString('en')}</text>`);
  });
  return out.join('\n');
}

export function renderPlot(results) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
${buildChart(results.building, 0, 0, W / 2, H)}
${serveChart(results.serving.cases, W / 2, 0, W / 2, H)}
<text x="8" y="${H - 6}" fill="#666">Wirefeed bench, ${esc(results.date.slice(0, 10))}, ${esc(results.machine.cores)} cores, ${esc(results.versions.node)} (${esc(results.mode)} run)</text>
</svg>
`;
}

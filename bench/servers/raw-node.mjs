// The serving baseline: bare node:http answering one feed from bytes read once,
// precompressed siblings included, with the least work a correct answer needs
// (pick the coding, compare the ETag). Usage: node raw-node.mjs DIR FILE PORT
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const [dir, file, port] = process.argv.slice(2);
const body = readFileSync(join(dir, file));
const codings = { identity: body, gzip: readFileSync(join(dir, `${file}.gz`)), br: readFileSync(join(dir, `${file}.br`)) };
const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
const type = file.endsWith('.json') ? 'application/feed+json' : file.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/rss+xml; charset=utf-8';

createServer((req, res) => {
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { ETag: etag });
    res.end();
    return;
  }
  const accept = req.headers['accept-encoding'] ?? '';
  const coding = accept.includes('br') ? 'br' : accept.includes('gzip') ? 'gzip' : 'identity';
  const headers = { 'Content-Type': type, 'Content-Length': codings[coding].length, ETag: etag, Vary: 'Accept-Encoding' };
  if (coding !== 'identity') headers['Content-Encoding'] = coding;
  res.writeHead(200, headers);
  res.end(codings[coding]);
}).listen(Number(port), '127.0.0.1');

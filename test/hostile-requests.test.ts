// Hostile requests against the real server over raw sockets (so no client library cleans a path
// or a header first): traversal, oversized and malformed requests, slow and half-open clients,
// invalid validators and codings, and a fuzz of URLs and headers. Throughout, a polite client
// polls a feed and must keep getting 200s quickly: one hostile client never costs the others.
import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notModified, parseHttpDate } from '../src/publish/conditional.js';
import { HttpProblem } from '../src/publish/http/errors.js';
import { CODINGS, negotiateEncoding } from '../src/publish/http/negotiate.js';
import { movedTo, parseLimit } from '../src/publish/http/query.js';
import { createApp, listen, SiteHolder } from '../src/publish/server.js';
import { renderSite } from '../src/publish/site.js';
import { catalogOf, makeItem } from './support/items.js';

const site = renderSite(catalogOf(Array.from({ length: 8 }, (_, i) => makeItem(`k${i}`, { published: new Date(Date.UTC(2024, 1, 1 + i)) })), 5));
// Short timeouts so slow clients are cut within the test; the defaults are the same mechanism, longer.
const LIMITS = { headersTimeoutMs: 1500, requestTimeoutMs: 3000, keepAliveTimeoutMs: 1000 };

let server: Server;
let port: number;
const latencies: number[] = [];
const politeFailures: string[] = [];
let polling: NodeJS.Timeout;

beforeAll(async () => {
  server = await listen(createApp(new SiteHolder(site), { accessLog: 'off', writeError: () => undefined }), 0, '127.0.0.1', LIMITS);
  port = (server.address() as AddressInfo).port;
  // The polite client: a conditional-less GET of the main feed every 100 ms, all file long.
  polling = setInterval(() => {
    const started = performance.now();
    fetch(`http://127.0.0.1:${port}/rss.xml`)
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status !== 200) politeFailures.push(`status ${res.status}`);
        latencies.push(performance.now() - started);
      })
      .catch((error: Error) => politeFailures.push(error.message));
  }, 100);
});

afterAll(async () => {
  clearInterval(polling);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface Answer {
  status: number;
  head: string;
  body: string;
  /** The server closed the connection (after the answer, or without one). */
  closed: boolean;
  ms: number;
}

/** Sends bytes on a fresh connection and reads until the server closes it or `waitMs` passes. */
function send(bytes: string | Buffer, waitMs = 3000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', body = ''] = text.split(/\r\n\r\n([\s\S]*)/);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body, closed, ms: performance.now() - started });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => done(true));
    socket.on('close', () => done(true));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? done(true) : reject(error)));
    socket.write(bytes);
  });
}

const get = (target: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> =>
  send(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`);

describe('path traversal', () => {
  it.each([
    '/..%2f..%2fetc/passwd',
    '/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    '/..%252f..%252fetc%252fpasswd',
    '/%252e%252e%252f%252e%252e%252fetc%252fpasswd',
    '/..\\..\\etc\\passwd',
    '/..%5c..%5cetc%5cpasswd',
    '/..%255c..%255cetc%255cpasswd',
    '/../../etc/passwd',
    '/items/../../../etc/passwd',
    '/items/..%2f..%2f..%2fetc%2fpasswd',
    '//etc/passwd',
    '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
    '/rss.xml%00.html',
    '/items/%ff%fe',
    '/%',
    '/categories/%E0%A4%A',
  ])('%s → 404 (or 400), never a file of the machine', async (target) => {
    const answer = await get(target);
    expect([400, 404]).toContain(answer.status);
    expect(answer.body).not.toMatch(/root:|\/bin\/(?:ba)?sh/);
    expect(answer.body).not.toMatch(/\n\s+at |node_modules/);
  });

  it('a target Koa parses as an authority with a bad escape (//%e2%82@#, found by the fuzz below) → 400, not 500', async () => {
    for (const target of ['//%e2%82@#', '//%ff@#', '//%c3@?#']) expect((await get(target)).status, target).toBe(400);
  });

  it('a target Node cannot parse as a URL at all (//[#@!, found by the fuzz below) → 400, not 500', async () => {
    for (const target of ['//[#@!', '//a[#@!']) expect((await get(target)).status, target).toBe(400);
  });

  it('/etc/passwd exists here, so the 404s above are not for want of a target', async () => {
    const { existsSync } = await import('node:fs');
    expect(existsSync('/etc/passwd')).toBe(true);
  });
});

describe('oversized and malformed requests', () => {
  it('an overlong URL → 414', async () => {
    expect((await get(`/rss.xml?q=${'a'.repeat(3000)}`)).status).toBe(414);
  });
  it('a URL longer than the whole head limit → 431', async () => {
    expect((await get(`/${'a'.repeat(20_000)}`)).status).toBe(431);
  });
  it('one huge header → 431', async () => {
    expect((await get('/rss.xml', { 'X-Big': 'a'.repeat(20_000) })).status).toBe(431);
  });
  it('many headers over the head limit → 431', async () => {
    const headers = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`X-H${i}`, 'aaaaaaaaaa']));
    expect((await get('/rss.xml', headers)).status).toBe(431);
  });
  it('many small headers within the limit are a normal request → 200', async () => {
    const headers = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`X-H${i}`, 'a']));
    expect((await get('/rss.xml', headers)).status).toBe(200);
  });
  it.each(['-1', '0', '501', 'abc', '1e3', '1.5', '%00', '99999999999999999999', ''])('?limit=%s → 400 with a message', async (value) => {
    const answer = await get(`/rss.xml?limit=${value}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(/limit must be a whole number from 1 to 500/);
  });
  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'TRACE', 'PROPFIND', 'MKCOL', 'PURGE'])('%s → 405 with Allow', async (method) => {
    const answer = await get('/rss.xml', { 'Content-Length': '0' }, method);
    expect(answer.status).toBe(405);
    expect(answer.head).toMatch(/^Allow: GET, HEAD, OPTIONS$/im);
  });
  it('CONNECT is refused: the connection is closed without a tunnel', async () => {
    const answer = await send('CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n');
    expect(answer.closed).toBe(true);
    expect(answer.status === 0 || answer.status >= 400).toBe(true);
  });
  it.each([
    ['a request line that is not HTTP', 'HELLO\r\n\r\n'],
    ['a method no HTTP registry knows', 'FOO /rss.xml HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['control characters in Accept-Encoding', 'GET /rss.xml HTTP/1.1\r\nHost: x\r\nAccept-Encoding: \u0001\u0002\r\n\r\n'],
    ['a NUL byte in a header value', 'GET /rss.xml HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n'],
    ['both Content-Length and Transfer-Encoding (smuggling)', 'POST /rss.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['two different Content-Lengths', 'GET /rss.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'],
    ['a space before the colon', 'GET /rss.xml HTTP/1.1\r\nHost : x\r\n\r\n'],
    ['an HTTP/1.1 request without Host', 'GET /rss.xml HTTP/1.1\r\n\r\n'],
  ])('%s → 400 and the connection is closed', async (_what, bytes) => {
    const answer = await send(bytes);
    expect(answer.status).toBe(400);
    expect(answer.closed).toBe(true);
  });
  it('a body announced on GET is not read: 413 over the limit, connection closed', async () => {
    const answer = await send(`GET /rss.xml HTTP/1.1\r\nHost: x\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n${'a'.repeat(1000)}`);
    expect(answer.status).toBe(413);
    expect(answer.closed).toBe(true);
  });
});

describe('invalid validators and codings are ignored (RFC 9110): a normal 200 with the whole body', () => {
  const body = site.get('/rss.xml')!.body.toString('latin1');
  it.each([
    ['Accept-Encoding', 'gzip;q=abc'],
    ['Accept-Encoding', 'br;q=2'],
    ['Accept-Encoding', ';;;,,,'],
    ['Accept-Encoding', 'gzip;q=1;q=0.5;;'],
    ['Accept-Encoding', 'x'.repeat(8000)],
    ['If-None-Match', 'garbage'],
    ['If-None-Match', 'W/'],
    ['If-None-Match', '"unterminated'],
    ['If-None-Match', ',,,,'],
    ['If-Modified-Since', 'yesterday'],
    ['If-Modified-Since', 'Mon, 32 Foo 2024 25:61:61 GMT'],
    ['If-Modified-Since', '-1'],
    ['If-Modified-Since', '2099'],
    ['If-Modified-Since', 'Sun, 06 Nov 1994 08:49:37 GMT; length=1'],
  ])('%s: %s', async (name, value) => {
    const answer = await get('/rss.xml', { [name]: value });
    expect(answer.status).toBe(200);
    expect(answer.head).not.toMatch(/^Content-Encoding:/im);
    expect(answer.body).toBe(body);
  });
});

describe('slow and half-open clients', () => {
  it('a slowloris (one header byte every 300 ms) is cut off by the header timeout', async () => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    socket.write('GET /rss.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const trickle = setInterval(() => socket.writable && socket.write('X'), 300);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    clearInterval(trickle);
    const ms = performance.now() - started;
    // The header timeout, plus Node's once-a-second check of it.
    expect(ms).toBeGreaterThan(LIMITS.headersTimeoutMs - 100);
    expect(ms).toBeLessThan(LIMITS.headersTimeoutMs + 2500);
    const text = Buffer.concat(received).toString();
    expect(text === '' || /^HTTP\/1\.1 408/.test(text)).toBe(true);
  });

  it('a connection that never sends a byte is closed by the timeouts', async () => {
    const answer = await send(Buffer.alloc(0), 10_000);
    expect(answer.closed).toBe(true);
    expect(answer.ms).toBeLessThan(LIMITS.requestTimeoutMs + 2500);
  });

  it('a half-sent request line is closed by the timeouts', async () => {
    const answer = await send('GET /rss.x', 10_000);
    expect(answer.closed).toBe(true);
    expect(answer.ms).toBeLessThan(LIMITS.requestTimeoutMs + 2500);
  });

  it('a client that half-closes after its request still gets the whole answer', async () => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.end('GET /rss.xml HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const text = Buffer.concat(received).toString();
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(text.endsWith(site.get('/rss.xml')!.body.toString())).toBe(true);
  });

  it('an idle kept-alive connection is closed after the keep-alive timeout', async () => {
    const answer = await send('GET /rss.xml HTTP/1.1\r\nHost: x\r\n\r\n', 10_000);
    expect(answer.status).toBe(200);
    expect(answer.closed).toBe(true);
    expect(answer.ms).toBeLessThan(LIMITS.keepAliveTimeoutMs + 2500);
  });

  it('200 slow clients at once do not stop others from being answered quickly', async () => {
    const sockets: Socket[] = [];
    for (let i = 0; i < 200; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write('GET /rss.xml HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      sockets.push(socket);
    }
    const answers = await Promise.all(Array.from({ length: 20 }, () => get('/atom.xml')));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.ms).toBeLessThan(1000);
    }
    for (const socket of sockets) socket.destroy();
  });
});

describe('fuzz (fast-check)', () => {
  it('the server answers any request target with a well-formed response below 500, and stays up', async () => {
    // Printable ASCII, percent escapes (valid and not) and backslashes: what can reach the parser.
    const piece = fc.oneof(
      fc.constantFrom('/', '..', '.', '%2f', '%2e', '%5c', '\\', '%', '%00', '%ff', '%e2%82', '?', '&', '=', '#', 'limit', 'format', 'rss.xml', 'items', 'categories', 'atom', 'json'),
      fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 8 }),
    );
    const target = fc.array(piece, { maxLength: 12 }).map((parts) => `/${parts.join('')}`);
    await fc.assert(
      fc.asyncProperty(target, fc.constantFrom('GET', 'HEAD', 'OPTIONS'), async (path, method) => {
        const answer = await get(path, {}, method);
        expect(answer.status, path).toBeGreaterThanOrEqual(200);
        expect(answer.status, path).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
    expect((await get('/rss.xml')).status).toBe(200);
  }, 120_000);

  it('the server answers any Accept-Encoding, If-None-Match and If-Modified-Since with 200 or 304 (406 only when identity is refused)', async () => {
    const value = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }).map((s) => s.trim());
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('Accept-Encoding', 'If-None-Match', 'If-Modified-Since'), value, async (name, text) => {
        const answer = await get('/feed.json', { [name]: text });
        expect([200, 304, 406], `${name}: ${text}`).toContain(answer.status);
        if (answer.status === 406) expect(negotiateEncoding(text)).toBeNull();
      }),
      { numRuns: 300 },
    );
  }, 120_000);

});

describe('throughout', () => {
  it('the polite client was answered 200 every time, quickly', () => {
    clearInterval(polling);
    expect(politeFailures).toEqual([]);
    expect(latencies.length).toBeGreaterThan(50);
    const sorted = [...latencies].sort((a, b) => a - b);
    const p99 = sorted[Math.floor(sorted.length * 0.99)]!;
    console.info(`polite client: ${latencies.length} requests, median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`);
    expect(p99).toBeLessThan(500);
  });
});

// Pure parsers, after the polite client has stopped: these properties run synchronously.
describe('fuzz of the parsers (fast-check)', () => {
  it('parseLimit accepts exactly the whole numbers 1–500 and answers anything else with a 400 problem', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        let result: number | undefined;
        try {
          result = parseLimit(raw);
        } catch (error) {
          expect(error).toBeInstanceOf(HttpProblem);
          expect((error as HttpProblem).status).toBe(400);
          expect(/^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 500).toBe(false);
          return;
        }
        expect(Number.isInteger(result) && result! >= 1 && result! <= 500).toBe(true);
        expect(String(result)).toBe(raw.replace(/^0+(?=\d)/, ''));
      }),
    );
  });

  it('negotiateEncoding never throws and picks only a coding the header does not refuse', () => {
    fc.assert(
      fc.property(fc.string(), (header) => {
        const coding = negotiateEncoding(header);
        expect(coding === null || (CODINGS as readonly string[]).includes(coding)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('HTTP dates: every IMF-fixdate round-trips; anything else never throws and garbage is ignored', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), (date) => {
        const whole = Math.floor(date.getTime() / 1000) * 1000;
        expect(parseHttpDate(new Date(whole).toUTCString())).toBe(whole);
      }),
    );
    fc.assert(
      fc.property(fc.string(), fc.string(), (inm, ims) => {
        expect(typeof notModified(undefined, ims, '"abc"', new Date(0))).toBe('boolean');
        expect(typeof notModified(inm, undefined, '"abc"', new Date(0))).toBe('boolean');
        const parsed = parseHttpDate(ims);
        expect(parsed === undefined || Number.isFinite(parsed)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('movedTo never throws and only ever redirects to a published path', () => {
    fc.assert(
      fc.property(fc.string().map((s) => `/${s}`), (path) => {
        const target = movedTo(path, (candidate) => site.has(candidate));
        expect(target === undefined || site.has(target)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createApp, listen, shutdown, SiteHolder } from '../src/publish/server.js';
import type { Resource, SiteMap } from '../src/publish/site.js';

// A body far larger than the socket buffers, so its response stays in flight while the client does not read.
const big: Resource = {
  path: '/big.txt',
  file: 'big.txt',
  status: 200,
  type: 'text/plain; charset=utf-8',
  body: Buffer.alloc(32 * 1024 * 1024, 'a'),
  gzip: Buffer.alloc(0),
  br: Buffer.alloc(0),
  lastModified: new Date('2024-01-01T00:00:00Z'),
  etag: '"big"',
};
const site: SiteMap = new Map([[big.path, big]]);

async function serve(): Promise<{ server: Server; holder: SiteHolder; port: number }> {
  const holder = new SiteHolder(site);
  const server = await listen(createApp(holder, { accessLog: 'off' }), 0, '127.0.0.1');
  return { server, holder, port: (server.address() as AddressInfo).port };
}

/** Sends a GET and reads only the first chunk, then stops reading (a slow client). */
async function slowGet(port: number): Promise<{ socket: Socket; received: () => Buffer[] ; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write('GET /big.txt HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: identity\r\n\r\n');
  await new Promise<void>((resolve) => socket.once('data', (chunk: Buffer) => {
    chunks.push(chunk);
    socket.pause();
    resolve();
  }));
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { socket, received: () => chunks, closed };
}

const settledWithin = (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe('graceful shutdown', () => {
  it('stops accepting, lets the in-flight response finish, closes its connection, then resolves', async () => {
    const { server, holder, port } = await serve();
    const idle = connect(port, '127.0.0.1');
    const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()));
    await new Promise<void>((resolve) => idle.once('connect', () => resolve()));
    const client = await slowGet(port);

    const stopped = shutdown(server, holder, 10_000);
    // The idle connection goes at once; the busy one is not cut while its response is in flight.
    await idleClosed;
    expect(await settledWithin(stopped, 300)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/big.txt`)).rejects.toThrow();

    client.socket.resume();
    await client.closed;
    const response = Buffer.concat(client.received());
    const head = response.subarray(0, response.indexOf('\r\n\r\n')).toString();
    expect(head).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(response.length - head.length - 4).toBe(big.body.length);
    expect(await settledWithin(stopped, 2000)).toBe(true);
  });

  it('answers a request that arrives on a kept-alive connection while draining, with Connection: close', async () => {
    const { server, holder, port } = await serve();
    const client = await slowGet(port);
    const stopped = shutdown(server, holder, 10_000);
    // A second, pipelined request on the busy connection: it is answered, and the connection then closes.
    client.socket.write('HEAD /big.txt HTTP/1.1\r\nHost: localhost\r\n\r\n');
    client.socket.resume();
    await client.closed;
    const text = Buffer.concat(client.received()).toString('latin1');
    const heads = text.match(/HTTP\/1\.1 200 OK[^]*?\r\n\r\n/g) ?? [];
    expect(heads).toHaveLength(2);
    expect(heads[1]).toMatch(/\r\nConnection: close/i);
    expect(await settledWithin(stopped, 2000)).toBe(true);
  });

  it('closes what is still open when the grace period ends', async () => {
    const { server, holder, port } = await serve();
    const client = await slowGet(port);
    const started = performance.now();
    await shutdown(server, holder, 300);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3000);
    // The cut connection: the client never gets the whole body.
    client.socket.on('error', () => undefined).resume();
    await client.closed;
    expect(Buffer.concat(client.received()).length).toBeLessThan(big.body.length);
  });
});

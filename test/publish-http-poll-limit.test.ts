import { describe, expect, it } from 'vitest';
import { clientKey, parsePollLimit, pollLimiter } from '../src/publish/http/poll-limit.js';

describe('pollLimiter', () => {
  it('allows N requests per client per window, then says how long to wait', () => {
    let now = 1_000_000;
    const over = pollLimiter({ requests: 2, windowSeconds: 60 }, () => now);
    expect(over('a')).toBeUndefined();
    expect(over('a')).toBeUndefined();
    expect(over('b')).toBeUndefined();
    now += 15_000;
    expect(over('a')).toBe(45);
    now += 44_500;
    expect(over('a')).toBe(1);
    now += 500;
    expect(over('a')).toBeUndefined();
  });
  it('forgets every client when the window rolls over', () => {
    let now = 0;
    const over = pollLimiter({ requests: 1, windowSeconds: 10 }, () => now);
    over('a');
    expect(over('a')).toBe(10);
    now = 25_000;
    expect(over('a')).toBeUndefined();
    expect(over('a')).toBe(5);
  });
});

describe('parsePollLimit', () => {
  it.each([
    ['60', { requests: 60, windowSeconds: 60 }],
    ['10/30', { requests: 10, windowSeconds: 30 }],
    ['0', undefined],
    ['10/0', undefined],
    ['ten', undefined],
    ['10/s', undefined],
  ])('%s → %j', (raw, limit) => {
    expect(parsePollLimit(raw)).toEqual(limit);
  });
});

describe('clientKey', () => {
  it.each([
    ['203.0.113.7, 10.0.0.1', '127.0.0.1', true, '203.0.113.7'],
    [' 203.0.113.7 ', '127.0.0.1', true, '203.0.113.7'],
    ['203.0.113.7', '127.0.0.1', false, '127.0.0.1'],
    [undefined, '127.0.0.1', true, '127.0.0.1'],
    ['', '::1', true, '::1'],
    [undefined, undefined, false, ''],
  ] as const)('X-Forwarded-For %j from %s, trusted %s → %j', (forwarded, remote, trust, key) => {
    expect(clientKey(forwarded, remote, trust)).toBe(key);
  });
});

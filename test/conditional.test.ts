import { describe, expect, it } from 'vitest';
import { notModified, parseHttpDate } from '../src/publish/conditional.js';

const etag = '"abc"';
const modified = new Date('2024-01-02T03:04:05.678Z');

describe('notModified (RFC 9110 §13.2.2)', () => {
  it.each([
    ['"abc"', undefined, true],
    ['W/"abc"', undefined, true],
    ['"x", "abc"', undefined, true],
    ['*', undefined, true],
    ['"other"', undefined, false],
    // If-None-Match wins over If-Modified-Since, even when the date alone would say "not modified".
    ['"other"', 'Tue, 02 Jan 2024 03:04:05 GMT', false],
    [undefined, 'Tue, 02 Jan 2024 03:04:05 GMT', true],
    [undefined, 'Tue, 02 Jan 2024 03:04:04 GMT', false],
    [undefined, 'not a date', false],
    [undefined, undefined, false],
  ])('If-None-Match %s, If-Modified-Since %s → %s', (inm, ims, expected) => {
    expect(notModified(inm, ims, etag, modified)).toBe(expected);
  });
});

describe('notModified with the Last-Modified text the server sent', () => {
  const text = modified.toUTCString();
  it('an If-Modified-Since that echoes it matches without parsing; any other value is still parsed', () => {
    expect(notModified(undefined, text, etag, modified, text)).toBe(true);
    expect(notModified(undefined, 'Tue, 02 Jan 2024 03:04:04 GMT', etag, modified, text)).toBe(false);
    expect(notModified(undefined, 'Wed, 03 Jan 2024 00:00:00 GMT', etag, modified, text)).toBe(true);
    expect(notModified(undefined, 'not a date', etag, modified, text)).toBe(false);
  });
  it('still lets If-None-Match win', () => {
    expect(notModified('"other"', text, etag, modified, text)).toBe(false);
  });
});

describe('parseHttpDate (RFC 9110 §5.6.7)', () => {
  const expected = Date.UTC(1994, 10, 6, 8, 49, 37);
  it.each([
    ['Sun, 06 Nov 1994 08:49:37 GMT', expected],
    ['Sunday, 06-Nov-94 08:49:37 GMT', expected],
    ['Sun Nov  6 08:49:37 1994', expected],
    ['Sun, 06 Nov 1994 08:49:37 GMT ', expected],
    ['Sun, 31 Feb 1994 08:49:37 GMT', undefined],
    ['Sun, 06 Nov 1994 25:49:37 GMT', undefined],
    ['Sun, 06 Nov 1994 08:49:37 +0000', undefined],
    ['1994-11-06T08:49:37Z', undefined],
    ['1994', undefined],
    ['', undefined],
  ])('%j → %s', (value, time) => {
    expect(parseHttpDate(value)).toBe(time);
  });
});

import { describe, expect, it } from 'vitest';
import { notModified } from '../src/publish/conditional.js';

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

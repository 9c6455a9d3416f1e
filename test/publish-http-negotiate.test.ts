import { describe, expect, it } from 'vitest';
import { memoizedNegotiation, negotiateEncoding } from '../src/publish/http/negotiate.js';

describe('negotiateEncoding (RFC 9110 §12.5.3)', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip', 'gzip'],
    ['br', 'br'],
    ['gzip, br', 'br'],
    ['gzip;q=1.0, br;q=0.9', 'gzip'],
    ['br;q=0.9, gzip;q=0.9, identity;q=0.5', 'br'],
    // identity, not named, keeps q=1 and beats both.
    ['br;q=0.9, gzip;q=0.9', 'identity'],
    ['br;q=0, gzip;q=0', 'identity'],
    ['*', 'br'],
    ['*;q=0.1', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],
    ['identity', 'identity'],
    ['identity;q=0, *', 'br'],
    ['identity;q=0', null],
    ['*;q=0', null],
    ['*;q=0, identity', 'identity'],
    ['compress, deflate', 'identity'],
    ['GZIP', 'gzip'],
    ['x-gzip', 'gzip'],
    ['gzip;q=2', 'identity'],
    ['gzip;q=0.1234', 'identity'],
    ['gzip;level=1', 'gzip'],
    [';;;,,,', 'identity'],
    ['g z i p', 'identity'],
  ])('%j → %s', (header, coding) => {
    expect(negotiateEncoding(header)).toBe(coding);
  });
  it('memoizes answers but never grows past its bound', () => {
    const negotiate = memoizedNegotiation(2);
    expect(negotiate('gzip')).toBe('gzip');
    expect(negotiate('gzip')).toBe('gzip');
    for (let i = 0; i < 100; i++) expect(negotiate(`x${i}, br`)).toBe('br');
    expect(negotiate('identity;q=0')).toBe(null);
    expect(negotiate(undefined)).toBe('identity');
  });
});

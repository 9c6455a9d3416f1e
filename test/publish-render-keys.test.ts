import { describe, expect, it } from 'vitest';
import { hashParts, RenderKeyMemo } from '../src/publish/render-keys.js';

describe('RenderKeyMemo', () => {
  it('gives the hash of the parts, kept while they stay the same and made again when one changes', () => {
    const memo = new RenderKeyMemo();
    expect(memo.keyOf('feed', '/tags/a', ['feed', 'v1', 'v2'])).toBe(hashParts(['feed', 'v1', 'v2']));
    expect(memo.keyOf('feed', '/tags/a', ['feed', 'v1', 'v2'])).toBe(hashParts(['feed', 'v1', 'v2']));
    expect(memo.keyOf('feed', '/tags/a', ['feed', 'v1', 'v3'])).toBe(hashParts(['feed', 'v1', 'v3']));
    expect(memo.keyOf('feed', '/tags/a', ['feed', 'v1'])).toBe(hashParts(['feed', 'v1']));
  });

  it('keeps its own copy of the parts, so a caller may refill one array for every key', () => {
    const memo = new RenderKeyMemo();
    const scratch = ['feed', 'v1'];
    const first = memo.keyOf('feed', '/tags/a', scratch);
    scratch[1] = 'v2';
    expect(memo.keyOf('feed', '/tags/a', scratch)).toBe(hashParts(['feed', 'v2']));
    expect(memo.keyOf('feed', '/tags/a', scratch)).not.toBe(first);
  });

  it('tells files apart by kind and id', () => {
    const memo = new RenderKeyMemo();
    memo.keyOf('feed', 'x', ['one']);
    expect(memo.keyOf('group', 'x', ['two'])).toBe(hashParts(['two']));
    expect(memo.keyOf('feed', 'y', ['three'])).toBe(hashParts(['three']));
    expect(memo.keyOf('feed', 'x', ['one'])).toBe(hashParts(['one']));
  });

  it('gives the right key across builds, for files asked for again after a build that did not ask for them', () => {
    const memo = new RenderKeyMemo();
    memo.keyOf('item', 'a', ['one']);
    memo.settle();
    memo.keyOf('item', 'b', ['two']);
    memo.settle();
    expect(memo.keyOf('item', 'a', ['one'])).toBe(hashParts(['one']));
    expect(memo.keyOf('item', 'b', ['two'])).toBe(hashParts(['two']));
  });
});

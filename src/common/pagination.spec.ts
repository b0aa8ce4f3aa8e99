import { jest } from '@jest/globals';
import { decodeCursor, Edge, encodeCursor, pageSize, toConnection } from './pagination.js';

describe('toConnection', () => {
  const rows = [
    { id: 'a', at: 1 },
    { id: 'b', at: 2 },
    { id: 'c', at: 3 },
  ];

  it('keeps one page, says whether more follow and ends with the last row of the page', () => {
    const page = toConnection(
      rows,
      2,
      7,
      (r) => encodeCursor([r.at, r.id]),
      (r) => r.id,
    );
    expect(page.nodes).toEqual(['a', 'b']);
    expect(page.edges.map((e) => e.node)).toEqual(['a', 'b']);
    expect(page.totalCount).toBe(7);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(page.pageInfo.endCursor, 2)).toEqual([2, 'b']);
    expect(
      toConnection(
        rows,
        3,
        3,
        () => 'x',
        (r) => r,
      ).pageInfo.hasNextPage,
    ).toBe(false);
  });

  it('encodes an edge cursor only when it is read, and once', () => {
    const cursorOf = jest.fn((r: { id: string; at: number }) => encodeCursor([r.at, r.id]));
    const page = toConnection(rows, 3, 3, cursorOf, (r) => r.id);
    expect(cursorOf.mock.calls.map(([r]) => r.id)).toEqual(['c']); // the end cursor
    expect(decodeCursor(page.edges[0].cursor, 2)).toEqual([1, 'a']);
    expect(page.edges[0].cursor).toBe(page.edges[0].cursor);
    expect(cursorOf.mock.calls.map(([r]) => r.id)).toEqual(['c', 'a']);
    expect(page.edges[2].cursor).toBe(page.pageInfo.endCursor);
    expect(JSON.parse(JSON.stringify(page.edges[1]))).toEqual({ node: 'b', cursor: page.edges[1].cursor });
  });

  it('keeps the cursor getter on the prototype, not on each edge', () => {
    // One object literal with a getter per row kept every page's rows alive until the next full
    // garbage collection (BENCHMARKS.md): edges must stay instances of one class.
    const page = toConnection(
      rows,
      3,
      3,
      (r) => encodeCursor([r.at, r.id]),
      (r) => r.id,
    );
    for (const edge of page.edges) {
      expect(edge).toBeInstanceOf(Edge);
      expect(Object.getOwnPropertyDescriptor(edge, 'cursor')).toBeUndefined();
      expect(Object.keys(edge)).toEqual(['node']);
    }
    expect(decodeCursor(page.edges[1].cursor, 2)).toEqual([2, 'b']);
  });

  it('has no end cursor when empty', () => {
    const page = toConnection(
      [],
      5,
      0,
      () => 'x',
      (r) => r,
    );
    expect(page.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    expect(page.edges).toEqual([]);
  });
});

describe('cursors and page sizes', () => {
  it('refuses a cursor of the wrong shape and a page size out of range', () => {
    expect(() => decodeCursor('not-base64-json', 2)).toThrow('after is not a valid cursor');
    expect(() => decodeCursor(encodeCursor([1]), 2)).toThrow('after is not a valid cursor');
    expect(decodeCursor(null, 2)).toBeNull();
    expect(pageSize(undefined)).toBe(20);
    expect(() => pageSize(0)).toThrow();
    expect(() => pageSize(101)).toThrow();
  });
});

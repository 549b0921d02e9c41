import { pageFooter, pageLimit } from './paging';

describe('paging of the job and drive lists', () => {
  it('says how many of how many, and how to get the next page', () => {
    expect(pageFooter({ items: [1, 2], total: 2, nextCursor: null }, 'job')).toBe('2 jobs.\n');
    expect(pageFooter({ items: [1], total: 1, nextCursor: null }, 'drive')).toBe('1 drive.\n');
    expect(pageFooter({ items: [1], total: 3, nextCursor: null }, 'job')).toBe('1 (of 3) jobs.\n');
    expect(pageFooter({ items: [1, 2], total: 5, nextCursor: 'abc' }, 'job')).toBe('Showing 2 of 5 jobs. Next page: the same command with --cursor abc (or --all for every page).\n');
  });

  it('takes --limit from 1 to 500 and names the flag otherwise', () => {
    expect(pageLimit({})).toBe(50);
    expect(pageLimit({ limit: '500' })).toBe(500);
    for (const bad of ['0', '501', '2.5', 'ten', '']) expect(() => pageLimit({ limit: bad })).toThrow(`--limit "${bad}": give a whole number from 1 to 500.`);
  });
});

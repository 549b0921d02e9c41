import { type z } from 'zod';

import { type ConsoleApi, EXIT } from '../../api/console-api';
import { type Page } from '../../api/console-schemas';
import { CliError } from '../../api/seedship-api';

export interface PagingOptions {
  readonly limit?: string;
  readonly cursor?: string;
  readonly all?: boolean;
}

/** --limit as the console takes it (1-500), checked here so the message names the flag. */
export function pageLimit(options: PagingOptions): number {
  if (options.limit === undefined) return 50;
  const limit = /^[0-9]+$/.test(options.limit) ? Number(options.limit) : NaN;
  if (!(limit >= 1 && limit <= 500)) throw new CliError(`--limit "${options.limit}": give a whole number from 1 to 500.`, EXIT.usage);
  return limit;
}

/**
 * One page of a list endpoint (from --cursor), or with --all every page, following nextCursor. Returns the
 * checked page and the raw one for --json (with --all, the items of every page and no cursor).
 */
export async function fetchPages<T>(
  api: ConsoleApi,
  path: string,
  query: URLSearchParams,
  schema: z.ZodType<Page<T>>,
  options: PagingOptions,
): Promise<{ page: Page<T>; raw: unknown }> {
  query.set('limit', String(pageLimit(options)));
  if (options.cursor !== undefined) query.set('cursor', options.cursor);
  const first = await api.get(`${path}?${query.toString()}`, schema, '');
  if (!options.all) return { page: first.value, raw: first.raw };
  const items = [...first.value.items];
  const rawItems = [...(first.raw as { items: unknown[] }).items];
  let next = first.value.nextCursor;
  while (next !== null) {
    query.set('cursor', next);
    const page = await api.get(`${path}?${query.toString()}`, schema, '');
    items.push(...page.value.items);
    rawItems.push(...(page.raw as { items: unknown[] }).items);
    next = page.value.nextCursor;
  }
  return { page: { items, total: first.value.total, nextCursor: null }, raw: { items: rawItems, total: first.value.total, nextCursor: null } };
}

/** The line under a table: how many of how many, and how to get the next page. `noun` is singular. */
export function pageFooter(page: Page<unknown>, noun: string): string {
  const nouns = `${noun}${page.total === 1 ? '' : 's'}`;
  if (page.nextCursor === null) return `${page.items.length === page.total ? `${page.total}` : `${page.items.length} (of ${page.total})`} ${nouns}.\n`;
  return `Showing ${page.items.length} of ${page.total} ${nouns}. Next page: the same command with --cursor ${page.nextCursor} (or --all for every page).\n`;
}

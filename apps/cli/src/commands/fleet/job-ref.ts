import { type ConsoleApi, EXIT } from '../../api/console-api';
import { type JobRow, jobPageSchema } from '../../api/console-schemas';
import { CliError } from '../../api/seedship-api';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A job given as its id or its import job name (names are unique), as its id. */
export async function resolveJobId(api: ConsoleApi, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  // The console searches by part of the name; the exact name is among those (names are unique).
  const query = new URLSearchParams({ search: ref, limit: '500' });
  const near: string[] = [];
  let match: JobRow | undefined;
  for (;;) {
    const { value } = await api.get(`/api/jobs?${query.toString()}`, jobPageSchema, '');
    match = value.items.find((job) => job.importJobName === ref);
    near.push(...value.items.slice(0, 5 - near.length).map((job) => job.importJobName));
    if (match || value.nextCursor === null) break;
    query.set('cursor', value.nextCursor);
  }
  if (!match) {
    throw new CliError(
      `No job is named ${ref}${near.length > 0 ? ` (names containing it: ${near.join(', ')})` : ''}; \`seedship jobs\` lists the jobs, by name or id.`,
      EXIT.notFound,
    );
  }
  return match.id;
}

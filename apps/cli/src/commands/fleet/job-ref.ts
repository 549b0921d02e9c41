import { type ConsoleApi, EXIT } from '../../api/console-api';
import { jobPageSchema } from '../../api/console-schemas';
import { CliError } from '../../api/seedship-api';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A job given as its id or its import job name (names are unique), as its id. */
export async function resolveJobId(api: ConsoleApi, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const query = new URLSearchParams({ search: ref, limit: '500' });
  const { value } = await api.get(`/api/jobs?${query.toString()}`, jobPageSchema, '');
  const match = value.items.find((job) => job.importJobName === ref);
  if (!match) {
    const near = value.items.slice(0, 5).map((job) => job.importJobName);
    throw new CliError(
      `No job is named ${ref}${near.length > 0 ? ` (names containing it: ${near.join(', ')})` : ''}; \`seedship jobs\` lists the jobs, by name or id.`,
      EXIT.notFound,
    );
  }
  return match.id;
}

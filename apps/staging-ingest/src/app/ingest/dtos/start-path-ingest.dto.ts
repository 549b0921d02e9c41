import { z } from 'zod';

/** The body of POST /seeding-jobs/:id/ingest. */
export const startPathIngestSchema = z
  .object({
    sourcePath: z.string().startsWith('/', 'must be an absolute path on a mounted share'),
  })
  .strict();

import { type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/** An OpenAPI 3.0 schema object from a zod schema, so the document is derived from what the code returns. */
export function openApiSchema(schema: z.ZodType): SchemaObject {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' }) as SchemaObject;
}

/** Property names whose values are secrets and never leave the provider in a status snapshot. */
const SECRET_KEYS = new Set(['bitlockerkey', 'sharepassword', 'chainofcustodysaskey', 'storageaccountkey', 'devicepassword', 'password']);

/**
 * A JSON-safe copy of an SDK response with every secret removed (BitLocker keys come back in Data Box
 * responses) and dates as ISO strings, so it can be stored as AzureJobStatus.raw.
 */
export function redactSecrets(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, inner]) => inner !== undefined)
        .map(([key, inner]) => [key, SECRET_KEYS.has(key.toLowerCase()) ? '[redacted]' : redactSecrets(inner)]),
    );
  }
  return value;
}

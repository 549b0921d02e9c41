import { StagingRepoError, StagingRepoErrorCode } from './errors';

/**
 * Azure blob naming rules ("Naming and Referencing Containers, Blobs, and Metadata"): 1 to 1,024
 * characters, case-sensitive, at most 254 path segments, avoid names ending in a dot or a slash.
 * The page also lists characters that are invalid in URL paths even when percent-encoded; we refuse
 * those (control characters, lone surrogates, Unicode non-characters), the backslash (the service
 * turns it into a slash), and empty, "." and ".." segments, which URL normalisation would rewrite.
 */
export const MAX_BLOB_NAME_LENGTH = 1024;
export const MAX_BLOB_PATH_SEGMENTS = 254;

// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTER = /[\u0000-\u001f\u007f-\u009f\\\ufffe\uffff]/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Every rule `name` breaks, in words an operator can act on; empty when it is a valid blob name. */
export function blobNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length === 0) return ['a blob name must have at least one character'];
  if (LONE_SURROGATE.test(name)) problems.push('contains an invalid Unicode sequence (a lone surrogate)');
  const length = [...name].length;
  if (length > MAX_BLOB_NAME_LENGTH) problems.push(`is ${length} characters long; Azure allows at most ${MAX_BLOB_NAME_LENGTH}`);
  const bad = FORBIDDEN_CHARACTER.exec(name);
  if (bad) {
    const code = bad[0].codePointAt(0) ?? 0;
    problems.push(
      bad[0] === '\\'
        ? 'contains a backslash, which Azure turns into a slash'
        : `contains the character U+${code.toString(16).toUpperCase().padStart(4, '0')}, which is not valid in a blob name`,
    );
  }
  if (name.endsWith('.') || name.endsWith('/')) problems.push('ends with a dot or a slash');
  const segments = name.split('/');
  if (segments.length > MAX_BLOB_PATH_SEGMENTS) {
    problems.push(`has ${segments.length} path segments; Azure allows at most ${MAX_BLOB_PATH_SEGMENTS}`);
  }
  if (segments.slice(0, -1).some((segment) => segment === '')) problems.push('has an empty path segment ("//" or a leading "/")');
  if (segments.some((segment) => segment === '.' || segment === '..')) problems.push('has a "." or ".." path segment');
  else if (segments.slice(0, -1).some((segment) => segment.endsWith('.'))) problems.push('has a path segment that ends with a dot');
  return problems;
}

export function assertBlobName(name: string): string {
  const problems = blobNameProblems(name);
  if (problems.length > 0) {
    throw new StagingRepoError(
      StagingRepoErrorCode.INVALID_BLOB_NAME,
      `'${name.slice(0, 80)}' is not a valid Azure blob name: it ${problems.join('; it ')}.`,
    );
  }
  return name;
}

/** Joins a blob prefix (may be empty) and a repository-relative path. */
export function joinBlobName(prefix: string, relativePath: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  return assertBlobName(trimmed === '' ? relativePath : `${trimmed}/${relativePath}`);
}

import { describe, expect, it } from '@jest/globals';

import { assertBlobName, blobNameProblems, joinBlobName } from './blob-names';
import { StagingRepoErrorCode } from './errors';

describe('Azure blob names', () => {
  it('accepts ordinary names, Unicode and the repository layout', () => {
    expect(blobNameProblems('seedship/job-1/packs/ab/abcdef.pack')).toEqual([]);
    expect(blobNameProblems('Données/été/файл.txt')).toEqual([]);
    expect(blobNameProblems('a'.repeat(1024))).toEqual([]);
    expect(joinBlobName('prefix/', 'config.json')).toBe('prefix/config.json');
    expect(joinBlobName('', 'config.json')).toBe('config.json');
  });

  it.each([
    ['', /at least one character/],
    ['a'.repeat(1025), /1025 characters long; Azure allows at most 1024/],
    [`${'a/'.repeat(254)}a`, /255 path segments; Azure allows at most 254/],
    ['ends-with-dot.', /ends with a dot or a slash/],
    ['folder/', /ends with a dot or a slash/],
    ['a\\b', /backslash/],
    ['tab\there', /U\+0009/],
    ['del\u007fhere', /U\+007F/],
    ['a//b', /empty path segment/],
    ['a/../b', /"\." or "\.\." path segment/],
    ['dir./file', /segment that ends with a dot/],
    ['lone\ud800surrogate', /lone surrogate/],
  ])('rejects %j', (name, problem) => {
    expect(blobNameProblems(name).join('; ')).toMatch(problem);
  });

  it('throws a coded error that quotes the name and every rule it breaks', () => {
    expect(() => assertBlobName('x\\y.')).toThrow(expect.objectContaining({ code: StagingRepoErrorCode.INVALID_BLOB_NAME }));
    expect(() => assertBlobName('x\\y.')).toThrow(/'x\\y\.' is not a valid Azure blob name: it contains a backslash.*; it ends with a dot/);
  });
});

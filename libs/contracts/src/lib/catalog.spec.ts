import { MESSAGE_CATALOG, STREAMS } from './catalog';
import { SeedingJobStateChanged } from './events/seeding-job-state-changed';
import { PayloadValidationError, SUBJECT_PATTERN, defineMessage, parsePayload } from './message-contract';

describe('message catalog', () => {
  it('names every subject <context>.<entity>.<event>.v<N>, once', () => {
    const subjects = MESSAGE_CATALOG.map((contract) => contract.subject);
    for (const subject of subjects) expect(subject).toMatch(SUBJECT_PATTERN);
    expect(new Set(subjects).size).toBe(subjects.length);
  });

  it('routes every subject into the events stream', () => {
    const prefixes = STREAMS.events.subjects.map((pattern) => pattern.replace('>', ''));
    for (const { subject } of MESSAGE_CATALOG) {
      expect([subject, prefixes.some((prefix) => subject.startsWith(prefix))]).toEqual([subject, true]);
    }
  });

  it('refuses subjects that break the naming rules', () => {
    const schema = SeedingJobStateChanged.schema;
    expect(() => defineMessage('Seeding.job.changed.v1', schema, 'x')).toThrow(/does not follow/);
    expect(() => defineMessage('seeding.job.changed', schema, 'x')).toThrow(/does not follow/);
    expect(() => defineMessage('$seeding.job.changed.v1', schema, 'x')).toThrow(/does not follow/);
  });
});

describe('parsePayload', () => {
  const valid = {
    jobId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    from: 'DRAFT',
    to: 'STAGING',
    actor: 'system:staging-ingest',
  };

  it('returns the typed payload when it is valid', () => {
    expect(parsePayload(SeedingJobStateChanged, valid)).toEqual(valid);
  });

  it('names each invalid field', () => {
    try {
      parsePayload(SeedingJobStateChanged, { ...valid, jobId: 'nope', to: 'LOST' });
      throw new Error('expected a PayloadValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(PayloadValidationError);
      const message = (error as PayloadValidationError).message;
      expect(message).toContain('seeding.job.state-changed.v1');
      expect(message).toMatch(/jobId: /);
      expect(message).toMatch(/to: /);
    }
  });
});

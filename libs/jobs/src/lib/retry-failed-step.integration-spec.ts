import { type PrismaClient, createPrismaClient } from '@seedship/db';
import { type TestDatabase, createTestDatabase, sampleJobData } from '@seedship/testing';

import { recordJobAction, retryFailedStep, transitionJob } from './transition-job';

describe('retrying a failed step', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = createPrismaClient(database.url);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.drop();
  });

  it('puts the job back in the state it failed in, keeps the failure in the timeline, and announces the move', async () => {
    const job = await prisma.seedingJob.create({ data: { ...sampleJobData('retry-job'), state: 'PREPARING_DRIVES' } });
    await prisma.$transaction((tx) => transitionJob(tx, { jobId: job.id, to: 'FAILED', actor: 'system:disk-prep-agent', reason: 'bay 3 drive pulled' }));

    const result = await prisma.$transaction((tx) => retryFailedStep(tx, { jobId: job.id, actor: 'user:olivia' }));

    expect(result).toMatchObject({ from: 'FAILED', to: 'PREPARING_DRIVES' });
    const after = await prisma.seedingJob.findUniqueOrThrow({ where: { id: job.id } });
    expect([after.state, after.failureReason, after.failedInState]).toEqual(['PREPARING_DRIVES', null, null]);
    const last = await prisma.jobTimelineEntry.findFirstOrThrow({ where: { jobId: job.id }, orderBy: { id: 'desc' } });
    expect(last).toMatchObject({ actor: 'user:olivia', action: 'failed-step-retried', fromState: 'FAILED', toState: 'PREPARING_DRIVES' });
    expect(last.detail).toEqual({ retriedFailure: 'bay 3 drive pulled' });
    const event = await prisma.outboxEvent.findFirstOrThrow({ where: { eventId: result.eventId } });
    expect(event.payload).toEqual({ jobId: job.id, from: 'FAILED', to: 'PREPARING_DRIVES', actor: 'user:olivia' });
  });

  it('refuses a job that is not failed and changes nothing', async () => {
    const job = await prisma.seedingJob.create({ data: { ...sampleJobData('not-failed'), state: 'STAGED' } });
    await expect(prisma.$transaction((tx) => retryFailedStep(tx, { jobId: job.id, actor: 'user:olivia' }))).rejects.toThrow(
      'Only a FAILED job can be retried; this job is STAGED.',
    );
    const after = await prisma.seedingJob.findUniqueOrThrow({ where: { id: job.id } });
    expect([after.state, after.version]).toEqual(['STAGED', 0]);
    expect(await prisma.jobTimelineEntry.count({ where: { jobId: job.id } })).toBe(0);
  });

  it('records an action that is not a state change', async () => {
    const job = await prisma.seedingJob.create({ data: sampleJobData('action-job') });
    await prisma.$transaction((tx) => recordJobAction(tx, { jobId: job.id, actor: 'user:ada', action: 'recovery-password-revealed', detail: { driveId: 'x' } }));
    const entries = await prisma.jobTimelineEntry.findMany({ where: { jobId: job.id } });
    expect(entries.map((entry) => [entry.actor, entry.action, entry.fromState, entry.detail])).toEqual([
      ['user:ada', 'recovery-password-revealed', null, { driveId: 'x' }],
    ]);
  });
});

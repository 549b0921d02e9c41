import { DriveState, JobState } from '@seedship/db';

import { driveStateSchema, jobStateSchema } from './api-schemas';

describe('API enums', () => {
  it('match the database enums exactly', () => {
    expect([...driveStateSchema.options].sort()).toEqual(Object.values(DriveState).sort());
    expect([...jobStateSchema.options].sort()).toEqual(Object.values(JobState).sort());
  });
});

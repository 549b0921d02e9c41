/**
 * Where the service reads the time. Deadlines, reminders and the simulated carrier all ask the clock,
 * so a test (or the demo) can run two weeks in a moment with a SimulatedClock.
 */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that moves only when told to. */
export class SimulatedClock implements Clock {
  private current: number;

  constructor(start: Date) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(instant: Date): void {
    this.current = instant.getTime();
  }

  advanceDays(days: number): void {
    this.current += days * 24 * 60 * 60 * 1000;
  }
}

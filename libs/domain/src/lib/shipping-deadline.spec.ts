import {
  ARRIVAL_WINDOW_DAYS,
  CalendarDateError,
  addDays,
  arrivalDeadline,
  daysBetween,
  deadlineStanding,
  dueDeadlineAlerts,
  parseCalendarDate,
} from './shipping-deadline';

describe('the two-week arrival rule', () => {
  it('sets the deadline 14 calendar days after the ship date, across month and year ends', () => {
    expect(ARRIVAL_WINDOW_DAYS).toBe(14);
    expect(arrivalDeadline('2026-12-01')).toBe('2026-12-15');
    expect(arrivalDeadline('2026-12-25')).toBe('2027-01-08');
    expect(arrivalDeadline('2028-02-20')).toBe('2028-03-05');
    expect(daysBetween('2026-12-01', arrivalDeadline('2026-12-01'))).toBe(14);
  });

  it('counts days left, keeps the deadline day on time, and is overdue the day after', () => {
    expect(deadlineStanding('2026-12-01', '2026-12-01')).toEqual({ kind: 'ON_TRACK', deadline: '2026-12-15', daysLeft: 14 });
    expect(deadlineStanding('2026-12-01', '2026-12-15')).toEqual({ kind: 'ON_TRACK', deadline: '2026-12-15', daysLeft: 0 });
    expect(deadlineStanding('2026-12-01', '2026-12-16')).toEqual({ kind: 'OVERDUE', deadline: '2026-12-15', daysOverdue: 1 });
    expect(deadlineStanding('2026-12-01', '2026-12-20', '2026-12-16')).toEqual({
      kind: 'DELIVERED',
      deadline: '2026-12-15',
      deliveredOn: '2026-12-16',
      onTime: false,
    });
  });

  it('reminds at 7, 3 and 1 days left (the nearest step reached), then alerts once overdue', () => {
    const alertsOn = (today: string) => dueDeadlineAlerts(deadlineStanding('2026-12-01', today));
    expect(alertsOn('2026-12-07')).toEqual([]);
    expect(alertsOn('2026-12-08')).toEqual([{ kind: 'REMINDER', threshold: 7, daysLeft: 7 }]);
    expect(alertsOn('2026-12-11')).toEqual([{ kind: 'REMINDER', threshold: 7, daysLeft: 4 }]);
    expect(alertsOn('2026-12-13')).toEqual([{ kind: 'REMINDER', threshold: 3, daysLeft: 2 }]);
    expect(alertsOn('2026-12-15')).toEqual([{ kind: 'REMINDER', threshold: 1, daysLeft: 0 }]);
    expect(alertsOn('2026-12-18')).toEqual([{ kind: 'OVERDUE', daysOverdue: 3 }]);
    expect(dueDeadlineAlerts(deadlineStanding('2026-12-01', '2026-12-18', '2026-12-10'))).toEqual([]);
  });

  it('refuses dates that are not YYYY-MM-DD days', () => {
    expect(parseCalendarDate(' 2026-12-01 ')).toBe('2026-12-01');
    expect(() => parseCalendarDate('01/12/2026')).toThrow(/write it as YYYY-MM-DD/);
    expect(() => parseCalendarDate('2026-02-30')).toThrow(CalendarDateError);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

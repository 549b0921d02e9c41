/**
 * The two-week rule: drives must reach the Azure datacenter within 14 days of the ship date. Dates are
 * calendar days in UTC (`YYYY-MM-DD`), the way the ship date is entered and Azure stores it; the
 * deadline day itself still counts as on time. Pure: callers pass "today" from their clock.
 */
export const ARRIVAL_WINDOW_DAYS = 14;

/** Reminders go out when this many days are left (and the package has not been delivered). */
export const REMINDER_DAYS_LEFT: readonly number[] = [7, 3, 1];

export enum CalendarDateErrorCode {
  Format = 'CALENDAR_DATE_FORMAT',
  NotADay = 'CALENDAR_DATE_NOT_A_DAY',
}

export class CalendarDateError extends Error {
  constructor(
    readonly code: CalendarDateErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CalendarDateError';
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Checks `YYYY-MM-DD` and that the day exists (no 2026-02-30). Returns the same text. */
export function parseCalendarDate(text: string): string {
  const trimmed = text.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (!match) {
    throw new CalendarDateError(CalendarDateErrorCode.Format, `"${text}" is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01.`);
  }
  const [, year, month, day] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.toISOString().slice(0, 10) !== trimmed) {
    throw new CalendarDateError(CalendarDateErrorCode.NotADay, `${trimmed} is not a day of the calendar; check the month and day.`);
  }
  return trimmed;
}

/** The UTC calendar day of an instant. */
export function calendarDateOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return calendarDateOf(new Date(Date.parse(`${parseCalendarDate(date)}T00:00:00Z`) + days * DAY_MS));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${parseCalendarDate(to)}T00:00:00Z`) - Date.parse(`${parseCalendarDate(from)}T00:00:00Z`)) / DAY_MS);
}

export function arrivalDeadline(shipDate: string): string {
  return addDays(shipDate, ARRIVAL_WINDOW_DAYS);
}

export type DeadlineStanding =
  /** Delivered: the rule is met, nothing more to watch. */
  | { readonly kind: 'DELIVERED'; readonly deadline: string; readonly deliveredOn: string; readonly onTime: boolean }
  | { readonly kind: 'ON_TRACK'; readonly deadline: string; readonly daysLeft: number }
  /** Past the deadline and not delivered. */
  | { readonly kind: 'OVERDUE'; readonly deadline: string; readonly daysOverdue: number };

/** Where a package stands against its deadline on `today`. */
export function deadlineStanding(shipDate: string, today: string, deliveredOn?: string): DeadlineStanding {
  const deadline = arrivalDeadline(shipDate);
  if (deliveredOn !== undefined) {
    return { kind: 'DELIVERED', deadline, deliveredOn, onTime: daysBetween(deliveredOn, deadline) >= 0 };
  }
  const daysLeft = daysBetween(today, deadline);
  return daysLeft >= 0 ? { kind: 'ON_TRACK', deadline, daysLeft } : { kind: 'OVERDUE', deadline, daysOverdue: -daysLeft };
}

/** An alert the rule calls for on `today`: a reminder at a threshold it has reached, or the overdue alert. */
export type DeadlineAlert =
  /** `threshold` is the reminder step reached (7, 3 or 1); `daysLeft` the actual days left. */
  | { readonly kind: 'REMINDER'; readonly threshold: number; readonly daysLeft: number }
  | { readonly kind: 'OVERDUE'; readonly daysOverdue: number };

/**
 * The alerts due on `today`. A reminder is due once its threshold is reached (so a check that ran late
 * still sends the nearest one, not every one it missed); the overdue alert once the deadline has passed.
 * Callers record which alerts they raised, so each goes out once.
 */
export function dueDeadlineAlerts(standing: DeadlineStanding): DeadlineAlert[] {
  switch (standing.kind) {
    case 'DELIVERED':
      return [];
    case 'OVERDUE':
      return [{ kind: 'OVERDUE', daysOverdue: standing.daysOverdue }];
    case 'ON_TRACK': {
      const reached = REMINDER_DAYS_LEFT.filter((threshold) => standing.daysLeft <= threshold);
      const nearest = reached.length > 0 ? Math.min(...reached) : undefined;
      return nearest === undefined ? [] : [{ kind: 'REMINDER', threshold: nearest, daysLeft: standing.daysLeft }];
    }
  }
}

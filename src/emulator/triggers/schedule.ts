/**
 * Timer trigger schedules as the Functions host reads them (WebJobs `TimerSchedule.Create`): an NCRONTAB
 * expression of six fields, seconds first (`0 *\/5 * * * *`), or of five (then without seconds, as the host's
 * `CronSchedule.HasSeconds` allows), or a TimeSpan (`hh:mm:ss`, `d.hh:mm:ss`, `hh:mm`): run every so long.
 *
 * The cron arithmetic is croner's; NCRONTAB requires both day-of-month and day-of-week to match when both are given,
 * hence `domAndDow`. Occurrences are computed in UTC (the host's default without `WEBSITE_TIME_ZONE`) or in the
 * IANA time zone given.
 */
import { Cron } from 'croner';

export interface Schedule {
  /** The expression as written (after `%Setting%` resolution). */
  readonly expression: string;
  readonly kind: 'cron' | 'interval';
  /** The first occurrence strictly after `after` (epoch ms), or undefined when there is none. */
  next(after: number): number | undefined;
}

/** `[d.]hh:mm[:ss[.fff]]`, the forms of .NET `TimeSpan.Parse` a schedule uses. */
const TIMESPAN_RE = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/;

/** Parses a schedule; throws an Error whose message says what is wrong with it. */
export function parseSchedule(expression: string, timezone?: string): Schedule {
  const text = expression.trim();
  const span = TIMESPAN_RE.exec(text);
  if (span) return intervalSchedule(expression, span);
  const fields = text.split(/\s+/).filter((field) => field !== '');
  if (fields.length !== 5 && fields.length !== 6) {
    throw new Error(
      `a schedule is an NCRONTAB expression of six fields ('{second} {minute} {hour} {day} {month} {day-of-week}', ` +
        `e.g. '0 */5 * * * *') or a TimeSpan ('hh:mm:ss'); this one has ${fields.length} field(s)`,
    );
  }
  let cron: Cron;
  try {
    cron = new Cron(fields.join(' '), {
      paused: true,
      mode: '5-or-6-parts',
      domAndDow: true,
      timezone: timezone ?? 'UTC',
    });
  } catch (error) {
    throw new Error(error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error));
  }
  return {
    expression,
    kind: 'cron',
    next(after) {
      return cron.nextRun(new Date(after))?.getTime();
    },
  };
}

function intervalSchedule(expression: string, match: RegExpExecArray): Schedule {
  const [, days, hours, minutes, seconds, fraction] = match;
  const h = Number(hours);
  const m = Number(minutes);
  const s = Number(seconds ?? 0);
  if (h > 23 || m > 59 || s > 59) throw new Error('a TimeSpan schedule has hours 0-23, minutes and seconds 0-59');
  const ms =
    ((Number(days ?? 0) * 24 + h) * 60 + m) * 60_000 + s * 1000 + Math.floor(Number(`0.${fraction ?? '0'}`) * 1000);
  if (ms <= 0) throw new Error('a TimeSpan schedule must be longer than zero');
  return { expression, kind: 'interval', next: (after) => after + ms };
}

/**
 * Whether the host keeps the schedule's status (`useMonitor`): as the option says, and by default only for
 * schedules whose occurrences are at least a minute apart (WebJobs `TimerTriggerAttribute.UseMonitor`).
 */
export function monitorsSchedule(schedule: Schedule, useMonitor: boolean | undefined, now: number): boolean {
  if (useMonitor === false) return false;
  const first = schedule.next(now);
  const second = first === undefined ? undefined : schedule.next(first);
  return first === undefined || second === undefined || second - first >= 60_000;
}

/** Whether a time zone name is one the runtime knows (croner and Intl take IANA names). */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

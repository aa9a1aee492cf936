/**
 * Calendar days as people in the city mean them. A supervisor who filters "2026-03-30" means that
 * day in Warsaw, not in UTC: these helpers turn a local day into the UTC instants that bound it,
 * across daylight-saving changes, with the time zone data Node ships (full ICU).
 */

export const DEFAULT_TIME_ZONE = 'Europe/Warsaw';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Node knows the IANA time zone name. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds the zone is ahead of UTC at the instant `t`. */
function offsetAt(t: number, timeZone: string): number {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The UTC instant of local midnight starting `day` (YYYY-MM-DD) in the zone, as an ISO string. */
export function startOfDay(day: string, timeZone: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  let t = wall - offsetAt(wall, timeZone);
  // Around a daylight-saving change the first guess uses the wrong side's offset: correct once.
  const again = wall - offsetAt(t, timeZone);
  if (again !== t) t = again;
  return new Date(t).toISOString();
}

/** The day after `day` (YYYY-MM-DD). */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** `[from, to)` in UTC ISO strings for inclusive local days; either end may be absent. */
export function dayRange(timeZone: string, from?: string, to?: string): { from?: string; to?: string } {
  return {
    ...(from ? { from: startOfDay(from, timeZone) } : {}),
    ...(to ? { to: startOfDay(nextDay(to), timeZone) } : {}),
  };
}

/** The local calendar day (YYYY-MM-DD) of a UTC instant in the zone. */
export function localDay(iso: string, timeZone: string): string {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

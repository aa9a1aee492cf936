import { describe, expect, it } from 'vitest';
import { dayRange, isTimeZone, localDay, startOfDay } from './time.js';

describe('local calendar days as UTC bounds', () => {
  it('starts a Warsaw winter day at 23:00 UTC the day before, a summer day at 22:00', () => {
    expect(startOfDay('2026-01-15', 'Europe/Warsaw')).toBe('2026-01-14T23:00:00.000Z');
    expect(startOfDay('2026-07-15', 'Europe/Warsaw')).toBe('2026-07-14T22:00:00.000Z');
  });

  it('gets the days of the daylight-saving changes right (23 and 25 hours long)', () => {
    // 2026-03-29: clocks go forward at 02:00; 2026-10-25: back at 03:00.
    expect(dayRange('Europe/Warsaw', '2026-03-29', '2026-03-29')).toEqual({ from: '2026-03-28T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z' });
    expect(dayRange('Europe/Warsaw', '2026-10-25', '2026-10-25')).toEqual({ from: '2026-10-24T22:00:00.000Z', to: '2026-10-25T23:00:00.000Z' });
  });

  it('is plain UTC for UTC, and knows which zone names exist', () => {
    expect(dayRange('UTC', '2026-11-26', '2026-11-26')).toEqual({ from: '2026-11-26T00:00:00.000Z', to: '2026-11-27T00:00:00.000Z' });
    expect(isTimeZone('Europe/Warsaw')).toBe(true);
    expect(isTimeZone('Europe/Nowhere')).toBe(false);
  });

  it('names the local day of an instant: 23:30 UTC in winter is already tomorrow in Warsaw', () => {
    expect(localDay('2026-01-14T23:30:00Z', 'Europe/Warsaw')).toBe('2026-01-15');
    expect(localDay('2026-01-14T22:30:00Z', 'Europe/Warsaw')).toBe('2026-01-14');
    expect(localDay('2026-01-14T23:30:00Z', 'UTC')).toBe('2026-01-14');
  });
});

import { describe, expect, it } from 'vitest';
import { isoWeek, parseTime, periodOf } from './time-buckets.js';

describe('parseTime', () => {
  it('reads ISO dates and timestamps, UTC unless they carry an offset', () => {
    expect(parseTime('2024-03-05')).toBe(Date.UTC(2024, 2, 5));
    expect(parseTime('2024/3/5')).toBe(Date.UTC(2024, 2, 5));
    expect(parseTime('2024-03-05T14:30')).toBe(Date.UTC(2024, 2, 5, 14, 30));
    expect(parseTime(' 2024-03-05 14:30:15.250Z ')).toBe(Date.UTC(2024, 2, 5, 14, 30, 15, 250));
    expect(parseTime('2024-03-05T08:00:00+08:00')).toBe(Date.UTC(2024, 2, 5, 0, 0));
    expect(parseTime('2024-03-05T08:00:00-0530')).toBe(Date.UTC(2024, 2, 5, 13, 30));
    expect(parseTime('2024-03-05 08:00 UTC')).toBe(Date.UTC(2024, 2, 5, 8, 0));
  });

  it('reads epoch seconds and milliseconds by magnitude', () => {
    expect(parseTime('1709596800')).toBe(Date.UTC(2024, 2, 5));
    expect(parseTime('1709596800000')).toBe(Date.UTC(2024, 2, 5));
    expect(parseTime('1709596800.5')).toBe(Date.UTC(2024, 2, 5) + 500);
  });

  it('refuses what is not a time', () => {
    for (const bad of [undefined, '', '  ', 'yesterday', '2024-02-30', '2024-13-01', '2024-03-05T25:00', '05/03/2024', '1e999']) {
      expect(parseTime(bad)).toBeUndefined();
    }
  });
});

describe('periods', () => {
  it('numbers ISO weeks from the week holding the year’s first Thursday', () => {
    expect(isoWeek(Date.UTC(2021, 0, 3))).toBe('2020-W53');
    expect(isoWeek(Date.UTC(2021, 0, 4))).toBe('2021-W01');
    expect(isoWeek(Date.UTC(2024, 11, 30))).toBe('2025-W01');
    expect(isoWeek(Date.UTC(2026, 11, 31))).toBe('2026-W53');
    expect(isoWeek(Date.UTC(2024, 2, 5, 23, 59))).toBe('2024-W10');
  });

  it('buckets by UTC day, week and month, sortable as strings', () => {
    const t = Date.UTC(2024, 2, 5, 23, 30);
    expect(periodOf(t, 'day')).toBe('2024-03-05');
    expect(periodOf(t, 'week')).toBe('2024-W10');
    expect(periodOf(t, 'month')).toBe('2024-03');
    expect(periodOf(parseTime('2024-03-06T01:30+08:00')!, 'day')).toBe('2024-03-05');
  });
});

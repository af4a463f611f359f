import { describe, expect, it } from 'vitest';
import { nowMicros, nowSeconds, secondsTimestamp } from '../src/testing/timestamps';

describe('the mock cluster’s timestamps', () => {
  it('writes a metav1.Time to the second, in UTC', () => {
    expect(secondsTimestamp(new Date('2026-12-03T09:20:41.987+01:00'))).toBe('2026-12-03T08:20:41Z');
  });

  it('gives the current second’s text throughout that second, and the next second’s once the clock reads it', () => {
    const second = Date.parse('2026-12-03T09:20:41Z');
    expect(nowSeconds(second)).toBe('2026-12-03T09:20:41Z');
    expect(nowSeconds(second + 999)).toBe('2026-12-03T09:20:41Z');
    expect(nowSeconds(second + 1000)).toBe('2026-12-03T09:20:42Z');
  });

  it('follows a clock set back', () => {
    const second = Date.parse('2026-12-03T09:20:41Z');
    expect(nowSeconds(second)).toBe('2026-12-03T09:20:41Z');
    expect(nowSeconds(second - 3_600_000)).toBe('2026-12-03T08:20:41Z');
  });

  it('reads the system clock when given no reading', () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const text = nowSeconds();
    const after = Date.now();
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(text)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(text)).toBeLessThanOrEqual(after);
  });

  it('writes a metav1.MicroTime with the millisecond clock’s three digits and three zeros', () => {
    expect(nowMicros()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}000Z$/);
  });
});

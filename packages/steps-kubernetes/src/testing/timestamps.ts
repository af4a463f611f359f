/**
 * Timestamps as the API server writes them: `metav1.Time` (RFC 3339 to the
 * second, `2026-12-03T09:20:00Z`) and `metav1.MicroTime` (to the
 * microsecond; the mock's clock has milliseconds, so the last three digits
 * are 0).
 */

/** `date` as a `metav1.Time`: RFC 3339, UTC, to the second. */
export function secondsTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The second {@link nowSeconds} last formatted, and its text. */
let cached = { second: Number.NaN, text: '' };

/**
 * Now as a `metav1.Time`. Every write stamps one or more (managed fields,
 * creation, conditions, Events), and a cluster writes thousands a second,
 * so the text of the current second is made once and kept until the clock
 * reads another second (a clock set back included). `ms` is the clock's
 * reading (default `Date.now()`).
 */
export function nowSeconds(ms = Date.now()): string {
  const second = Math.floor(ms / 1000);
  if (second !== cached.second) cached = { second, text: secondsTimestamp(new Date(second * 1000)) };
  return cached.text;
}

/** Now as a `metav1.MicroTime` (an Event's `eventTime`). */
export function nowMicros(): string {
  return new Date().toISOString().replace(/Z$/, '000Z');
}

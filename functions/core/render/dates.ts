/** Date formats of the three outputs. All inputs are RFC 3339 strings from the model. */

import { utcSeconds } from "../normalize/dates.ts";

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * `s` as an RFC 3339 date-time: unchanged when it already is one, re-written
 * in UTC when it is some other parseable date, null when it is not a date.
 */
export function rfc3339(s: string | null | undefined): string | null {
  if (!s) return null;
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) return null;
  if (RFC3339.test(s)) return s;
  return utcSeconds(ms);
}

/** Whether `s` is an RFC 3339 date-time with a time zone. */
export function isRfc3339(s: string): boolean {
  return RFC3339.test(s) && !Number.isNaN(Date.parse(s));
}

/** RFC 822 (as RSS 2.0 wants it), always in GMT: `Thu, 16 May 2024 08:00:00 GMT`. */
export function rfc822(s: string): string | null {
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : new Date(ms).toUTCString();
}

/**
 * The entry's `updated`, never earlier than its `published`: feed validators
 * reject the other order, so a story updated "before" it appeared shows its
 * publication date.
 */
export function notBefore(updated: string, published: string): string {
  return Date.parse(updated) < Date.parse(published) ? published : updated;
}

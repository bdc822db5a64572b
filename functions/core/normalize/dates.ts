/**
 * Feed dates as written by real feeds (RFC 822 and its many sloppy variants,
 * RFC 3339 / W3CDTF, ISO 8601 basic, asctime) into RFC 3339 UTC with second
 * precision. Pure: no clock, no locale.
 */

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

const DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** Named zones in minutes east of UTC. Ambiguous abbreviations take the reading most common in feeds. */
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  wet: 0,
  west: 60,
  bst: 60,
  cet: 60,
  met: 60,
  mez: 60,
  wat: 60,
  cest: 120,
  mest: 120,
  mesz: 120,
  eet: 120,
  cat: 120,
  sast: 120,
  eest: 180,
  msk: 180,
  eat: 180,
  ist: 330,
  pkt: 300,
  ict: 420,
  wib: 420,
  hkt: 480,
  sgt: 480,
  pht: 480,
  awst: 480,
  jst: 540,
  kst: 540,
  acst: 570,
  aest: 600,
  acdt: 630,
  aedt: 660,
  nzst: 720,
  nzdt: 780,
  nst: -210,
  ndt: -150,
  ast: -240,
  adt: -180,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  akst: -540,
  akdt: -480,
  hst: -600,
  hdt: -540,
};

/** Military zones: A..M (without J) east, N..Y west, Z is UTC. */
function militaryZone(letter: string): number | null {
  const c = letter.charCodeAt(0);
  if (letter === "z") return 0;
  if (letter === "j") return null;
  if (c >= 97 && c <= 105) return (c - 96) * 60; // a..i: +1..+9
  if (c >= 107 && c <= 109) return (c - 97) * 60; // k..m: +10..+12
  if (c >= 110 && c <= 121) return -(c - 109) * 60; // n..y: -1..-12
  return null;
}

/** Minutes east of UTC for "+0530", "-05:00", "+02", or null. */
function numericZone(value: string): number | null {
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(value);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 14 || minutes > 59) return null;
  return (m[1] === "-" ? -1 : 1) * (hours * 60 + minutes);
}

/** Minutes east of UTC for any zone spelling we accept, or null. */
function zoneOffset(token: string): number | null {
  const t = token.toLowerCase();
  // own keys only: "constructor" or "__proto__" in a date is not a zone
  if (Object.hasOwn(ZONES, t)) return ZONES[t] as number;
  if (t.length === 1) return militaryZone(t);
  // "GMT+0200", "UTC-5"
  const prefixed = /^(?:gmt|utc|ut)([+-].+)$/.exec(t);
  if (prefixed) return numericZone(prefixed[1] as string);
  return numericZone(t);
}

function twoDigitYear(year: number): number {
  // RFC 2822: 00-49 are 2000-2049, 50-99 are 1950-1999
  return year < 50 ? 2000 + year : 1900 + year;
}

/**
 * RFC 3339 in UTC with second precision (`2024-05-16T08:00:00Z`): how every
 * date of the model is written, here and by render/dates.ts.
 */
export function utcSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Builds the RFC 3339 string, or null when a field is out of range. */
function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offsetMinutes: number,
): string | null {
  // year 1 and friends are "unset" defaults from broken generators, not dates
  if (year < 1900 || year > 9999) return null;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  const sec = Math.min(second, 59); // leap second
  const local = Date.UTC(year, month - 1, day, hour, minute, sec);
  // Date.UTC rolls 31 April over into May: refuse instead
  const check = new Date(local);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null;
  return utcSeconds(local - offsetMinutes * 60_000);
}

// 2024, 2024-05, 2024-05-16, 2024-05-16T08:00, 2024-05-16 08:00:00.123+02:00
const W3CDTF =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T\s]+(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/i;
// 20240516, 20240516T0800Z, 20240516T080000+0200
const ISO_BASIC =
  /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(?:[.,]\d+)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

function parseIso(m: RegExpExecArray): string | null {
  const zone = m[7];
  const offset = zone === undefined ? 0 : zoneOffset(zone);
  if (offset === null) return null;
  return build(
    Number(m[1]),
    Number(m[2] ?? 1),
    Number(m[3] ?? 1),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    offset,
  );
}

const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?(z|[+-]\d{2}:?\d{2})?$/i;

// What nearly every RSS feed writes: "Thu, 16 May 2024 08:00:00 GMT" (or "+0200")
const RFC1123 =
  /^(?:(?:mon|tue|wed|thu|fri|sat|sun),\s*)?(\d{1,2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([a-z]{1,5}|[+-]\d{4})$/i;

/**
 * The common RFC 1123 spelling read in one match; null when the value is not
 * in exactly that shape, or has a field the token-by-token reading below
 * would refuse or read otherwise (it then decides).
 */
function parseRfc1123(value: string): string | null {
  const m = RFC1123.exec(value);
  if (m === null) return null;
  const month = MONTHS[(m[2] as string).toLowerCase()];
  const day = Number(m[1]);
  if (month === undefined || day < 1 || day > 31) return null;
  const offset = zoneOffset(m[7] as string);
  if (offset === null) return null;
  return build(Number(m[3]), month, day, Number(m[4]), Number(m[5]), Number(m[6]), offset);
}

/**
 * The textual family: RFC 822/1123/2822 ("Thu, 16 May 2024 08:00:00 GMT"),
 * its variants (no day name, wrong day name, 2-digit year, no seconds, full
 * month names, "16-May-2024"), asctime ("Thu May 16 08:00:00 2024") and
 * "May 16, 2024 8:00 AM EDT". Tokens are recognised by shape, not position.
 */
function parseTextual(value: string): string | null {
  const common = parseRfc1123(value);
  if (common !== null) return common;
  const tokens = value
    .replace(/\([^)]*\)/g, " ") // "(Coordinated Universal Time)" comments
    .replace(/,/g, " ")
    .trim()
    .split(/\s+/)
    .flatMap((t) => (/^\d{1,2}-[a-z]+-\d{2,4}$/i.test(t) ? t.split("-") : [t]));
  let day: number | null = null;
  let month: number | null = null;
  let year: number | null = null;
  let time: RegExpExecArray | null = null;
  let offset: number | null = null;
  let meridiem: "am" | "pm" | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const raw = tokens[i] as string;
    const token = raw.toLowerCase().replace(/\.$/, "");
    if (/^\d+(?:st|nd|rd|th)?$/.test(token)) {
      const digits = token.replace(/\D+$/, "");
      const n = Number(digits);
      if (digits.length === 4 && year === null) year = n;
      else if (digits.length <= 2 && day === null && n >= 1 && n <= 31) day = n;
      else if (digits.length === 2 && year === null && day !== null && month !== null)
        year = twoDigitYear(n);
      else return null;
      continue;
    }
    const t = TIME.exec(token);
    if (t && time === null) {
      time = t;
      if (t[4] !== undefined) offset = zoneOffset(t[4]);
      continue;
    }
    if ((token === "am" || token === "pm") && time !== null) {
      meridiem = token;
      continue;
    }
    if (/^[a-z]+$/.test(token)) {
      const prefix = token.slice(0, 3);
      if (month === null && token.length >= 3 && Object.hasOwn(MONTHS, prefix)) {
        month = MONTHS[prefix] as number;
        continue;
      }
      // the day name is ignored: often missing, sometimes wrong
      if (token.length >= 3 && DAY_NAMES.includes(prefix) && day === null && time === null) {
        continue;
      }
      if (token === "at") continue;
    }
    if (time !== null && offset === null) {
      const z = zoneOffset(token);
      if (z !== null) {
        offset = z;
        continue;
      }
      // an unknown zone name ("XYZT"): off by hours at worst, better than no date
      if (/^[a-z]{2,5}$/.test(token)) {
        offset = 0;
        continue;
      }
    }
    return null;
  }
  if (day === null || month === null || year === null) return null;
  let hour = time ? Number(time[1]) : 0;
  if (meridiem !== null) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem === "pm" ? 12 : 0);
  }
  return build(
    year,
    month,
    day,
    hour,
    time ? Number(time[2]) : 0,
    time ? Number(time[3] ?? 0) : 0,
    offset ?? 0, // missing zone: UTC
  );
}

/**
 * Parses a feed date into RFC 3339 UTC with second precision
 * (`2024-05-16T08:00:00Z`), or null when it is missing or unreadable.
 * A date without a zone is taken as UTC.
 */
export function parseDate(value: string): string | null {
  const s = value.trim();
  if (s === "") return null;
  const iso = W3CDTF.exec(s) ?? ISO_BASIC.exec(s);
  if (iso) return parseIso(iso);
  return parseTextual(s);
}

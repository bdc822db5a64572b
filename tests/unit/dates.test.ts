import { describe, expect, it } from "vitest";
import { parseDate } from "../../functions/core/normalize/index.ts";

describe("parseDate", () => {
  it.each([
    // RFC 822 and variants
    ["Thu, 16 May 2024 08:00:00 GMT", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 08:00:00 +0000", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 10:00:00 +0200", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 03:30:00 -04:30", "2024-05-16T08:00:00Z"],
    ["16 May 2024 08:00:00 UT", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 24 08:00:00 GMT", "2024-05-16T08:00:00Z"],
    ["Sun, 16 May 99 08:00:00 GMT", "1999-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 08:00 GMT", "2024-05-16T08:00:00Z"],
    ["Thursday, 16 May 2024 08:00:00 GMT", "2024-05-16T08:00:00Z"],
    ["Thu, 16 September 2024 08:00:00 GMT", "2024-09-16T08:00:00Z"],
    ["Mon, 16 May 2024 08:00:00 GMT", "2024-05-16T08:00:00Z"], // wrong day name
    ["16 May 2024 08:00:00", "2024-05-16T08:00:00Z"], // no day name, no zone = UTC
    ["Thu, 6 Jun 2024 8:05:09 GMT", "2024-06-06T08:05:09Z"],
    ["Thu, 16-May-2024 08:00:00 GMT", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 04:00:00 EDT", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 03:00:00 EST", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 03:00:00 CDT", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 02:00:00 CST", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 02:00:00 MDT", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 01:00:00 MST", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 01:00:00 PDT", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 00:00:00 PST", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 10:00:00 CEST", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 17:00:00 JST", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 08:00:00 Z", "2024-05-16T08:00:00Z"],
    ["Thu, 16 May 2024 09:00:00 A", "2024-05-16T08:00:00Z"], // military +1
    ["Thu, 16 May 2024 07:00:00 N", "2024-05-16T08:00:00Z"], // military -1
    ["Thu, 16 May 2024 20:00:00 M", "2024-05-16T08:00:00Z"], // military +12
    // RFC 3339 / W3CDTF
    ["2024-05-16T08:00:00Z", "2024-05-16T08:00:00Z"],
    ["2024-05-16T08:00:00.123456Z", "2024-05-16T08:00:00Z"],
    ["2024-05-16T10:00:00+02:00", "2024-05-16T08:00:00Z"],
    ["2024-05-16T10:00:00+0200", "2024-05-16T08:00:00Z"],
    ["2024-05-16t08:00:00z", "2024-05-16T08:00:00Z"],
    ["2024-05-16T08:00Z", "2024-05-16T08:00:00Z"],
    ["2024-05-16", "2024-05-16T00:00:00Z"],
    ["2024-05", "2024-05-01T00:00:00Z"],
    ["2024", "2024-01-01T00:00:00Z"],
    ["2004-07-08 23:56:58", "2004-07-08T23:56:58Z"],
    // ISO 8601 basic
    ["20240516T080000Z", "2024-05-16T08:00:00Z"],
    ["20240516T100000+0200", "2024-05-16T08:00:00Z"],
    ["20240516", "2024-05-16T00:00:00Z"],
    // asctime and friends
    ["Thu May 16 08:00:00 2024", "2024-05-16T08:00:00Z"],
    ["Thu May  6 08:00:00 2024", "2024-05-06T08:00:00Z"],
    ["Thu May 16 08:00:00 UTC 2024", "2024-05-16T08:00:00Z"],
    ["Thu May 16 2024 10:00:00 GMT+0200 (Central European Summer Time)", "2024-05-16T08:00:00Z"],
    ["May 16, 2024 4:00 AM EDT", "2024-05-16T08:00:00Z"],
    ["May 16th, 2024 8:00 pm", "2024-05-16T20:00:00Z"],
    // across a day boundary
    ["Thu, 16 May 2024 23:30:00 -0100", "2024-05-17T00:30:00Z"],
    ["  Thu, 16 May 2024 08:00:00 GMT\n", "2024-05-16T08:00:00Z"],
  ])("reads %j", (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  it.each([
    "",
    "   ",
    "yesterday",
    "not a date at all",
    "2024-13-01",
    "2024-02-30",
    "31 Apr 2024 08:00:00 GMT",
    "Thu, 16 May 2024 25:00:00 GMT",
    "Thu, 16 Foo 2024 08:00:00 GMT",
    "0001-01-01T00:00:00Z",
    "16/05/2024",
    "2024-05-16T08:00:00+99:00",
  ])("refuses %j", (input) => {
    expect(parseDate(input)).toBeNull();
  });

  it("keeps leap days and refuses them in other years", () => {
    expect(parseDate("29 Feb 2024 12:00:00 GMT")).toBe("2024-02-29T12:00:00Z");
    expect(parseDate("29 Feb 2023 12:00:00 GMT")).toBeNull();
  });
});

describe("dates across day, month and year ends", () => {
  it("reads zones across day, month and year ends", () => {
    expect(parseDate("Tue, 31 Dec 2024 23:30:00 -0100")).toBe("2025-01-01T00:30:00Z");
    expect(parseDate("Wed, 01 Jan 2025 00:15:00 +0530")).toBe("2024-12-31T18:45:00Z");
    expect(parseDate("Thu, 29 Feb 2024 12:00:00 GMT")).toBe("2024-02-29T12:00:00Z");
  });

  it("refuses a day the month does not have", () => {
    expect(parseDate("Thu, 29 Feb 2023 12:00:00 GMT")).toBeNull();
    expect(parseDate("31 Apr 2024 08:00:00 GMT")).toBeNull();
    expect(parseDate("1900-02-29T00:00:00Z")).toBeNull();
    expect(parseDate("2000-02-29T00:00:00Z")).toBe("2000-02-29T00:00:00Z");
  });

  it("keeps a leap second as the last second of its minute", () => {
    expect(parseDate("2016-12-31T23:59:60Z")).toBe("2016-12-31T23:59:59Z");
  });
});

describe("dates with Object prototype keys for a zone", () => {
  it("reads them as no date", () => {
    expect(parseDate("Thu, 16 May 2024 08:00:00 constructor")).toBeNull();
    expect(parseDate("Thu, 16 May 2024 08:00:00 __proto__")).toBeNull();
  });
});

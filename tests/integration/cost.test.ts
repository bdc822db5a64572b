/**
 * The cost model's promise, checked: `npm run cost` measures the requests of
 * each operation against the embedded S3 and prices them; 100 sources polled
 * every 15 minutes stay under $1.00 a month at list prices, without the free
 * tier (issue 14). A change that costs requests, an alarm or a custom metric
 * shows up here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { bill, type Measured, measure, stackTelemetry } from "../../bench/cost.ts";

let measured: Measured;
let telemetry: { alarmMetrics: number; customMetrics: number };

beforeAll(async () => {
  measured = await measure();
  telemetry = stackTelemetry();
}, 300_000);

const total = (sources: number) =>
  bill(sources, measured, telemetry).reduce((n, item) => n + item.usd, 0);

describe("the monthly bill", { timeout: 60_000 }, () => {
  it("is under $1.00 for 100 sources every 15 minutes, without the free tier", () => {
    expect(total(100)).toBeLessThan(1);
  });

  it("rests on the store's budgets: an unchanged poll is one read, a new story at most 3 writes", () => {
    expect(measured.unchangedPoll).toEqual({ get: 1, put: 0, list: 0, delete: 0 });
    expect(measured.perNewStory.put).toBeLessThanOrEqual(3);
    expect(measured.headCommitsPerPoll).toBe(1);
  });

  it("pays for two alarms and no custom metric", () => {
    expect(telemetry).toEqual({ alarmMetrics: 2, customMetrics: 0 });
  });
});

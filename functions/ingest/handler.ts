/**
 * Lambda entry: ingest. All logic is in dispatch/ingest/poll; here only the
 * poll's counts (one structured log line: no custom metric costs $0.30 a
 * month for a number no alarm reads), and which outcome is a failed
 * invocation: Lambda retries it, then the dead-letter queue pages.
 */
import { clock, newStoryId } from "../runtime/clock.ts";
import { lambdaRuntime } from "../runtime/lambda.ts";
import { createIngestHandler, type PollSummary } from "./dispatch.ts";
import { pollSources } from "./poll.ts";

const rt = lambdaRuntime();
const deps = {
  ...rt,
  now: clock,
  newId: newStoryId,
};

/**
 * A poll in which every configured source failed is an outage (S3 refusing
 * the function, no network, a bug in the pipeline), not a quiet run. A source
 * not due this time (backing off, or asked to wait) neither succeeded nor
 * failed: with one among them, one broken source never pages.
 */
function everySourceFailed(summaries: PollSummary[]): string | null {
  if (summaries.length === 0 || summaries.some((s) => s.error === null)) return null;
  const first = summaries.slice(0, 3).map((s) => `${s.source}: ${s.error}`);
  const more = summaries.length > 3 ? `; and ${summaries.length - 3} more` : "";
  return `every source failed (${summaries.length}): ${first.join("; ")}${more}`;
}

/** The counts of a poll, for its log line (CloudWatch Logs Insights sums them). */
function pollCounts(summaries: PollSummary[]) {
  return {
    sources: summaries.length,
    itemsAccepted: summaries.reduce((n, s) => n + (s.report?.new ?? 0), 0),
    sourceFailures: summaries.filter((s) => s.error !== null).length,
    notDue: summaries.filter((s) => s.status === "not due").length,
    deferred: summaries.filter((s) => s.status === "deferred").length,
  };
}

const ingest = createIngestHandler({
  ...deps,
  // In the cloud a source may never point inside AWS's or anyone's private network.
  poll: async (names) => {
    const summaries = await pollSources(deps, { allowLoopback: false, log: rt.log }, names);
    rt.log.info("poll done", pollCounts(summaries));
    const outage = everySourceFailed(summaries);
    if (outage !== null) throw new Error(outage); // the counts above are logged all the same
    return summaries;
  },
});

export const handler = (event: unknown) => ingest(event);

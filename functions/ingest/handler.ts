/**
 * Lambda entry: ingest. All logic is in dispatch/ingest/poll; here only the
 * metrics, and which outcome is a failed invocation (so that Lambda's own
 * Errors metric, and the alarm on it, sees an outage).
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
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

const ingest = createIngestHandler({
  ...deps,
  // In the cloud a source may never point inside AWS's or anyone's private network.
  poll: async (names) => {
    const summaries = await pollSources(deps, { allowLoopback: false, log: rt.log }, names);
    for (const s of summaries) {
      rt.metrics.addMetric("ItemsAccepted", MetricUnit.Count, s.report?.new ?? 0);
      if (s.error) rt.metrics.addMetric("SourceFailures", MetricUnit.Count, 1);
    }
    const outage = everySourceFailed(summaries);
    if (outage !== null) throw new Error(outage); // the metrics above are published all the same
    return summaries;
  },
  onRefused: () => rt.metrics.addMetric("DocumentsRefused", MetricUnit.Count, 1),
});

export const handler = async (event: unknown) => {
  try {
    return await ingest(event);
  } finally {
    rt.metrics.publishStoredMetrics();
  }
};

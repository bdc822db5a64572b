/** Lambda entry: ingest. All logic is in dispatch/ingest/poll. */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { clock, newStoryId } from "../runtime/clock.ts";
import { lambdaRuntime } from "../runtime/lambda.ts";
import { createIngestHandler } from "./dispatch.ts";
import { pollSources } from "./poll.ts";

const rt = lambdaRuntime();
const deps = {
  ...rt,
  now: clock,
  newId: newStoryId,
};

const ingest = createIngestHandler({
  ...deps,
  // In the cloud a source may never point inside AWS's or anyone's private network.
  poll: async (names) => {
    const summaries = await pollSources(deps, { allowLoopback: false, log: rt.log }, names);
    for (const s of summaries) {
      rt.metrics.addMetric("ItemsAccepted", MetricUnit.Count, s.report?.new ?? 0);
      if (s.error) rt.metrics.addMetric("SourceFailures", MetricUnit.Count, 1);
    }
    return summaries;
  },
});

export const handler = async (event: unknown) => {
  try {
    return await ingest(event);
  } finally {
    rt.metrics.publishStoredMetrics();
  }
};

/** Lambda entry: regenerate the published feeds. All logic is in dispatch/regenerate. */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { lambdaRuntime } from "../runtime/lambda.ts";
import { notifyHub } from "../sources/websub.ts";
import { createRegenerateHandler } from "./dispatch.ts";

const rt = lambdaRuntime();

const regenerate = createRegenerateHandler({
  ...rt,
  pingHub: notifyHub,
  onSuccess: (result) => {
    rt.metrics.addMetric("FeedRegenerated", MetricUnit.Count, 1);
    rt.metrics.addMetric("FilesWritten", MetricUnit.Count, result.written.length);
  },
});

export const handler = async (event: unknown) => {
  try {
    return await regenerate(event);
  } finally {
    rt.metrics.publishStoredMetrics();
  }
};

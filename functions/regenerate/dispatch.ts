/**
 * The regenerate function's behaviour for every event it accepts: any event
 * (the head index's S3 notification, the hourly schedule) means "the stored
 * state may have changed", and one regeneration answers it. A failure throws,
 * so that Lambda retries the asynchronous invocation. An SQS batch (a queue
 * in front, for whoever wires one) is answered as one, with partial failures.
 */
import type { Log } from "../runtime/log.ts";
import { type RegenerateDeps, regenerate } from "./regenerate.ts";

export interface RegenerateRuntime extends RegenerateDeps {
  log: Log;
}

interface SqsLike {
  Records?: { eventSource?: string; messageId?: string }[];
}

export function createRegenerateHandler(rt: RegenerateRuntime) {
  return async (event: unknown): Promise<unknown> => {
    const records = (event as SqsLike | null)?.Records ?? [];
    const sqsIds = records
      .filter((r) => r.eventSource === "aws:sqs" && r.messageId)
      .map((r) => r.messageId as string);
    try {
      const result = await regenerate(rt);
      rt.log.info(result.written.length ? "feed regenerated" : "feed unchanged", { ...result });
      return sqsIds.length ? { batchItemFailures: [] } : result;
    } catch (e) {
      rt.log.error("regeneration failed; the last good feed stays published", {
        error: String(e),
      });
      if (sqsIds.length) return { batchItemFailures: sqsIds.map((id) => ({ itemIdentifier: id })) };
      throw e;
    }
  };
}

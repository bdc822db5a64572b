/**
 * How long the bucket keeps what it no longer serves: old versions, and
 * `incoming/` drops nobody will retry. One rule for the whole bucket keeps
 * old versions a month; a rule per prefix shortens that where versions are
 * many and large (S3 applies the shortest expiration of overlapping rules).
 * The cost model (`bench/cost.ts`) prices storage from these same numbers.
 */
import { Duration } from "aws-cdk-lib";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { PREFIX } from "../functions/store/layout.ts";

/** The longest an SQS dead-letter queue keeps a message (SQS's maximum). */
export const DEAD_LETTER_RETENTION_DAYS = 14;

/**
 * Days an old version is kept, everywhere else: `entries/` (the undo for a
 * bad merge or a bad push), `keys/` (created once, never rewritten).
 */
const NONCURRENT_DAYS = 30;

/** Days a prefix keeps its old versions, where shorter than `NONCURRENT_DAYS`. */
export const NONCURRENT_DAYS_BY_PREFIX = {
  /**
   * The head index is rewritten at every commit (hundreds of KB, up to
   * thousands of times a day), the archive state at every archive page, the
   * intents are deleted at every commit: a day of versions undoes a bad
   * commit; a month of them was most of the storage bill.
   */
  [PREFIX.index]: 1,
  /** Source state: rewritten when a source has news; nothing to undo after a day. */
  [PREFIX.sources]: 1,
  /** The published files: a week to roll back a bad regeneration. */
  [PREFIX.public]: 7,
  /** A drop ingest deleted once it was stored. */
  [PREFIX.incoming]: 1,
} as const;

/**
 * Days a drop stays in `incoming/`. A stored drop is deleted at once; one
 * still there failed, and every retry path is shorter: Lambda retries an
 * asynchronous invocation for at most 6 hours, then the failed event waits at
 * most `DEAD_LETTER_RETENTION_DAYS` in the dead-letter queue for someone to
 * invoke ingest with it again, which needs the drop. By then the failure was
 * reported (the DeadLetters alarm, or DocumentsRefused for a malformed drop).
 */
const INCOMING_EXPIRATION_DAYS = DEAD_LETTER_RETENTION_DAYS + 1;

/** The lifecycle rules of the items bucket. */
export function lifecycleRules(): s3.LifecycleRule[] {
  return [
    {
      id: "expire-old-versions",
      noncurrentVersionExpiration: Duration.days(NONCURRENT_DAYS),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
      // Ingest deletes every stored drop, and expiring drops leaves markers too: clean them up.
      expiredObjectDeleteMarker: true,
    },
    ...Object.entries(NONCURRENT_DAYS_BY_PREFIX).map(([prefix, days]) => ({
      id: `expire-old-versions-${prefix.replace(/\/$/, "")}`,
      prefix,
      noncurrentVersionExpiration: Duration.days(days),
      ...(prefix === PREFIX.incoming
        ? { expiration: Duration.days(INCOMING_EXPIRATION_DAYS) }
        : {}),
    })),
  ];
}

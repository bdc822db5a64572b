/**
 * AWS list prices the cost model (`bench/cost.ts`) uses, in one place:
 * us-east-1, USD, on-demand, as listed in 2025 on the pricing pages below
 * (written down from them, not fetched: check them again before quoting a
 * figure):
 *
 *   Lambda          https://aws.amazon.com/lambda/pricing/
 *   S3              https://aws.amazon.com/s3/pricing/
 *   CloudWatch      https://aws.amazon.com/cloudwatch/pricing/
 *   Scheduler       https://aws.amazon.com/eventbridge/pricing/
 *   CloudFront      https://aws.amazon.com/cloudfront/pricing/
 *   SQS             https://aws.amazon.com/sqs/pricing/
 *
 * `FREE_TIER` holds the always-free allowances only (they do not expire).
 * S3's free tier is for new accounts' first 12 months and is left out.
 */
export const PRICES = {
  lambda: {
    /** Arm (Graviton), per GB-second, first 7.5 billion GB-s a month. */
    armGbSecond: 0.0000133334,
    /** Per request (any invocation: scheduled, S3 notification, URL). */
    request: 0.2 / 1e6,
  },
  s3: {
    /** S3 Standard PUT, COPY, POST, LIST: per request. */
    put: 0.005 / 1000,
    list: 0.005 / 1000,
    /** S3 Standard GET, SELECT and all other requests (HEAD): per request. */
    get: 0.0004 / 1000,
    /** DELETE is free. */
    delete: 0,
    /** S3 Standard, first 50 TB, per GB-month; noncurrent versions are billed the same. */
    storageGbMonth: 0.023,
  },
  cloudwatch: {
    /** Per custom metric a month (first 10,000). */
    customMetric: 0.3,
    /** Per standard-resolution alarm metric a month. */
    alarmMetric: 0.1,
    /** Logs ingested (standard class), per GB. */
    logIngestGb: 0.5,
    /** Logs stored, per GB-month (compressed; counted uncompressed here, to be safe). */
    logStorageGbMonth: 0.03,
  },
  scheduler: {
    /** EventBridge Scheduler, per invocation. */
    invocation: 1 / 1e6,
  },
  cloudfront: {
    /** HTTPS requests, United States/Europe, per request. */
    httpsRequest: 0.01 / 10_000,
    /** Data transfer out to the internet, United States/Europe, first 10 TB, per GB. */
    transferGb: 0.085,
    /** CloudFront Functions (the browser-view function runs on every viewer response), per invocation. */
    functionInvocation: 0.1 / 1e6,
  },
  sqs: {
    /** Standard queue, per request (64 KB chunk). */
    request: 0.4 / 1e6,
  },
} as const;

/** Always-free allowances, a month. */
export const FREE_TIER = {
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
  cloudwatchCustomMetrics: 10,
  cloudwatchAlarmMetrics: 10,
  /** Log ingestion and storage together. */
  cloudwatchLogsGb: 5,
  schedulerInvocations: 14_000_000,
  cloudfrontRequests: 10_000_000,
  cloudfrontTransferGb: 1024,
  cloudfrontFunctionInvocations: 2_000_000,
  sqsRequests: 1_000_000,
} as const;

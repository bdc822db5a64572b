/**
 * The production stack: one private bucket holds everything, CloudFront
 * serves only its `public/` prefix, two Lambda functions (ingest and
 * regenerate) do the work, and alarms mail the operator when something stops.
 */
import { fileURLToPath } from "node:url";
import {
  Annotations,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as destinations from "aws-cdk-lib/aws-lambda-destinations";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3n from "aws-cdk-lib/aws-s3-notifications";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as targets from "aws-cdk-lib/aws-scheduler-targets";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import {
  COMMIT_MARGIN_MS,
  type Config,
  POLL_BUDGET_MS,
  sourceShards,
} from "../functions/core/config.ts";
import { ConfigError } from "../functions/core/errors.ts";
import { HEAD_INDEX_KEY, PREFIX, SERVED_CSP } from "../functions/store/layout.ts";
import { ARCHIVE_STATE_KEY } from "../functions/store/published.ts";
import { CleanfeedFunction } from "./constructs/cleanfeed-function.ts";
import { DEAD_LETTER_RETENTION_DAYS, lifecycleRules } from "./lifecycle.ts";

/** The repository root, where the function entries and the lockfile live. */
export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

export interface CleanfeedStackProps extends StackProps {
  /** The parsed `cleanfeed.config.json`. */
  config: Config;
}

/** Names of the S3 actions, so a typo cannot silently grant nothing. */
const GET = "s3:GetObject";
const PUT = "s3:PutObject";
const DELETE = "s3:DeleteObject";
const LIST = "s3:ListBucket";

/** The CloudFront Function that serves browsers the feeds as application/xml. */
export const BROWSER_VIEW_FUNCTION = new URL("./browser-view.js", import.meta.url).pathname;

/** A poll starts fetches for its budget, then stores and commits (POLL_BUDGET_MS): 5 minutes. */
const INGEST_TIMEOUT = Duration.millis(POLL_BUDGET_MS + COMMIT_MARGIN_MS);
const REGENERATE_TIMEOUT = Duration.minutes(1);
/** Lambda keeps retrying an asynchronous event (a throttled one too) at most this long. */
const MAX_EVENT_AGE = Duration.hours(6);
/** Regenerate's schedule: the stale-feed alarm relies on at least this often. */
const REGENERATE_EVERY = Duration.hours(1);

/**
 * Poll schedules at most: each is a resource, and a stack holds at most 500
 * (200 shards of the default 200 sources are 40,000 sources).
 */
const MAX_POLL_SHARDS = 200;

/** The period of the alarms on counts (errors, throttles, dead letters). */
const ALARM_PERIOD = Duration.minutes(5);

/**
 * Everything cleanfeed needs in one account and region. Deploy it in any
 * region; a custom domain's ACM certificate must live in us-east-1 (CloudFront).
 */
export class CleanfeedStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly ingest: CleanfeedFunction;
  readonly regenerate: CleanfeedFunction;
  readonly pushUrl: lambda.FunctionUrl;
  /** Where every asynchronous invocation that failed its retries ends (on-failure destination). */
  readonly deadLetters: sqs.Queue;
  readonly alarmTopic: sns.Topic;
  /** The role both schedules assume to invoke their function. */
  readonly schedulerRole: iam.Role;
  readonly alarms: cloudwatch.Alarm[] = [];
  /** One schedule per shard of sources (`sourceShards`), each its own ingest invocation. */
  readonly pollSchedules: scheduler.Schedule[];

  constructor(scope: Construct, id: string, props: CleanfeedStackProps) {
    super(scope, id, props);
    const { config } = props;
    const destroy = config.deploy.removalPolicy === "destroy";
    for (const [i, source] of config.sources.entries()) {
      if (source.path !== null) {
        Annotations.of(this).addWarningV2(
          "cleanfeed:localSource",
          `sources[${i}] (${source.name}) is a local file: the deployed ingest cannot read it and will report it as failed`,
        );
      }
    }

    // --- Storage ----------------------------------------------------------
    this.bucket = new s3.Bucket(this, "Items", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versions are the undo button for a bad regeneration or a bad push.
      versioned: true,
      // Old versions: a month in general, a day where they are many (lifecycle.ts).
      lifecycleRules: lifecycleRules(),
      removalPolicy: destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      autoDeleteObjects: destroy,
    });

    // --- Serving ----------------------------------------------------------
    const customDomain = customDomainOf(config);
    this.distribution = this.serve(customDomain);
    const host = customDomain?.domainName ?? this.distribution.distributionDomainName;
    // An explicit feed.publicUrl wins (e.g. another CDN in front); otherwise
    // the custom domain, otherwise the distribution's own domain.
    const publicUrl = withSlash(config.feed.publicUrl ?? `https://${host}/`);

    // --- Functions ----------------------------------------------------------
    const environment = {
      CLEANFEED_BUCKET: this.bucket.bucketName,
      CLEANFEED_PUBLIC_URL: publicUrl,
    };
    const logRemovalPolicy = destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    this.ingest = new CleanfeedFunction(this, "Ingest", {
      name: "ingest",
      config,
      projectRoot: PROJECT_ROOT,
      timeout: INGEST_TIMEOUT,
      memorySize: 512,
      environment,
      logRemovalPolicy,
    });
    this.regenerate = new CleanfeedFunction(this, "Regenerate", {
      name: "regenerate",
      config,
      projectRoot: PROJECT_ROOT,
      timeout: REGENERATE_TIMEOUT,
      memorySize: 256,
      environment,
      logRemovalPolicy,
    });
    this.grantIngest(this.ingest.role);
    this.grantRegenerate(this.regenerate.role);

    // --- Ingest triggers ------------------------------------------------------
    this.schedulerRole = new iam.Role(this, "SchedulerRole", {
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": this.account } },
      }),
      description: "cleanfeed: EventBridge Scheduler invokes ingest (poll) and regenerate",
    });
    this.pollSchedules = this.schedulePolls(config);
    // Every trigger but the push URL is an asynchronous invocation: a failure
    // is retried twice by Lambda, then lands in the dead-letter queue, where
    // the DeadLetters alarm sees it. No queue is polled while nothing happens.
    this.deadLetters = new sqs.Queue(this, "DeadLetterQueue", {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      // The maximum: time to notice the alarm, fix the cause and invoke again.
      retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
    });
    for (const fn of [this.ingest, this.regenerate]) {
      fn.function.configureAsyncInvoke({
        // Drops need them; a poll retried a minute later is harmless (it is
        // idempotent) and heals a passing failure before the next schedule.
        retryAttempts: 2,
        maxEventAge: MAX_EVENT_AGE,
        onFailure: new destinations.SqsDestination(this.deadLetters),
      });
    }
    // A drop goes straight to ingest. One that fails stays in incoming/ and
    // fails the invocation (dispatch.ts), so Lambda's retries apply.
    this.bucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.LambdaDestination(this.ingest.function),
      { prefix: PREFIX.incoming },
    );
    // The push endpoint: signed (SigV4) requests only, never anonymous.
    this.pushUrl = this.ingest.function.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.AWS_IAM,
    });
    // Function URLs created since October 2025 need both actions; each is held
    // to the URL by the condition CDK's own `grantInvokeUrl` puts on it, so the
    // push credentials cannot invoke ingest directly with any other event
    // (a poll, a forged SQS batch, `{ "remove": id }`).
    const pushPolicy = new iam.ManagedPolicy(this, "PushPolicy", {
      description: "Attach to the IAM user or role that runs `cleanfeed push`",
      statements: [
        new iam.PolicyStatement({
          sid: "InvokeThePushUrl",
          actions: ["lambda:InvokeFunctionUrl"],
          resources: [this.ingest.function.functionArn],
          conditions: {
            StringEquals: { "lambda:FunctionUrlAuthType": lambda.FunctionUrlAuthType.AWS_IAM },
          },
        }),
        new iam.PolicyStatement({
          sid: "OnlyThroughTheUrl",
          actions: ["lambda:InvokeFunction"],
          resources: [this.ingest.function.functionArn],
          conditions: { Bool: { "lambda:InvokedViaFunctionUrl": true } },
        }),
      ],
    });

    // --- Regenerate triggers --------------------------------------------------
    // Each head commit regenerates (one per invocation of ingest). Only the
    // head index: regenerate itself writes `index/archive/state.json`, and a
    // notification on all of `index/` would have it trigger itself.
    this.bucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.LambdaDestination(this.regenerate.function),
      { prefix: HEAD_INDEX_KEY },
    );
    new scheduler.Schedule(this, "RegenerateSchedule", {
      description: "cleanfeed: regenerate hourly, so the stale-feed alarm means something",
      schedule: scheduler.ScheduleExpression.rate(REGENERATE_EVERY),
      target: new targets.LambdaInvoke(this.regenerate.function, {
        role: this.schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject({
          source: "aws.scheduler",
          action: "regenerate",
        }),
        retryAttempts: 1,
        maxEventAge: REGENERATE_EVERY,
      }),
    });

    // --- Operations -----------------------------------------------------------
    this.alarmTopic = new sns.Topic(this, "Alarms", {
      displayName: "cleanfeed alarms",
      enforceSSL: true,
    });
    // An explicit topic policy replaces the default one, so say who may publish.
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.alarmTopic.topicArn],
        conditions: { StringEquals: { "aws:SourceAccount": this.account } },
      }),
    );
    if (config.deploy.alarmEmail !== null) {
      this.alarmTopic.addSubscription(
        new subscriptions.EmailSubscription(config.deploy.alarmEmail),
      );
    }
    // Two alarms, on metrics AWS publishes anyway: no custom metric ($0.30
    // a month each). A failed invocation is retried by Lambda and pages only
    // once given up on (DeadLetters); an Errors alarm would page for failures
    // the retries heal, and once more for the rest. Throttled async events are
    // retried for up to 6 hours, then dead-lettered too.
    this.alarmOnDeadLetters();
    this.alarmOnStaleFeed(config.deploy.staleFeedHours);

    // --- Outputs ----------------------------------------------------------------
    new CfnOutput(this, "FeedUrl", {
      description: "Subscribe your reader to this",
      value: `${publicUrl}feed.atom`,
    });
    new CfnOutput(this, "PushUrl", {
      description: "cleanfeed push --endpoint <this> (SigV4-signed requests only)",
      value: this.pushUrl.url,
    });
    new CfnOutput(this, "PushPolicyArn", {
      description: "Managed policy allowing `cleanfeed push`",
      value: pushPolicy.managedPolicyArn,
    });
    new CfnOutput(this, "BucketName", { value: this.bucket.bucketName });
    new CfnOutput(this, "DistributionDomainName", {
      description: "Point your custom domain's CNAME/ALIAS here",
      value: this.distribution.distributionDomainName,
    });
    new CfnOutput(this, "AlarmTopicArn", { value: this.alarmTopic.topicArn });
  }

  /**
   * One schedule per shard of sources, so that every shard is an
   * asynchronous invocation of its own: shards run in parallel, a slow one
   * delays nobody, and no code fans out (no queue to poll, no permission for
   * ingest to invoke itself). The bundle carries the same config, so the
   * input names a shard by its index. Several shards start within a flexible
   * window of half the interval: spread out, they need little concurrency
   * (new accounts may have 10) and seldom race on the head index.
   */
  private schedulePolls(config: Config): scheduler.Schedule[] {
    const shards = sourceShards(config);
    if (shards.length > MAX_POLL_SHARDS) {
      throw new ConfigError(
        "limits.sourcesPerShard",
        `makes ${shards.length} poll shards (one schedule each); at most ${MAX_POLL_SHARDS}: raise it`,
      );
    }
    const sharded = shards.length > 1;
    const every = config.pollIntervalMinutes;
    return (sharded ? shards : [null]).map(
      (_, i) =>
        new scheduler.Schedule(this, i === 0 ? "PollSchedule" : `PollSchedule${i}`, {
          description: sharded
            ? `cleanfeed: poll shard ${i} of ${shards.length} (${shards[i]!.length} sources)`
            : "cleanfeed: poll every configured source",
          schedule: scheduler.ScheduleExpression.rate(Duration.minutes(every)),
          timeWindow:
            sharded && every >= 2
              ? scheduler.TimeWindow.flexible(Duration.minutes(Math.floor(every / 2)))
              : scheduler.TimeWindow.off(),
          target: new targets.LambdaInvoke(this.ingest.function, {
            role: this.schedulerRole,
            input: scheduler.ScheduleTargetInput.fromObject({
              source: "aws.scheduler",
              action: "poll",
              ...(sharded ? { shard: i } : {}),
            }),
            // A poll that could not run is replaced by the next one: do not pile up retries.
            retryAttempts: 1,
            maxEventAge: Duration.minutes(Math.max(1, every)),
          }),
        }),
    );
  }

  /** CloudFront in front of `public/` only, through Origin Access Control. */
  private serve(customDomain: CustomDomain | null): cloudfront.Distribution {
    // Built by hand rather than with `S3BucketOrigin.withOriginAccessControl`:
    // that helper grants the distribution every object (`bucket/*`), and the
    // stories, keys and source state must stay private even if a path trick
    // ever got past `originPath`.
    const oac = new cloudfront.S3OriginAccessControl(this, "OriginAccess", {
      originAccessControlName: this.accountGlobalName("oac"),
      description: "cleanfeed: CloudFront reads public/ only",
      signing: cloudfront.Signing.SIGV4_ALWAYS,
    });
    const origin = origins.S3BucketOrigin.withBucketDefaults(this.bucket, {
      originPath: `/${PREFIX.public.replace(/\/$/, "")}`,
      originAccessControlId: oac.originAccessControlId,
    });
    const cachePolicy = new cloudfront.CachePolicy(this, "FeedCache", {
      cachePolicyName: this.accountGlobalName("cache"),
      comment: "cleanfeed: short TTLs so readers' conditional GETs reach fresh ETags",
      // minTtl 0 lets the Cache-Control written by regenerate decide.
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(60),
      maxTtl: Duration.days(1),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, "FeedHeaders", {
      responseHeadersPolicyName: this.accountGlobalName("headers"),
      comment: "cleanfeed: security headers; feeds are readable from any web reader",
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: false,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER,
          override: true,
        },
        // A feed opened in a browser runs nothing it carries; it may use its own feed.xsl.
        contentSecurityPolicy: { contentSecurityPolicy: SERVED_CSP, override: true },
      },
      corsBehavior: {
        accessControlAllowOrigins: ["*"],
        accessControlAllowMethods: ["GET", "HEAD"],
        accessControlAllowHeaders: ["*"],
        accessControlAllowCredentials: false,
        accessControlExposeHeaders: ["ETag", "Last-Modified"],
        originOverride: true,
      },
    });
    // A browser gets the feeds as application/xml, so that it shows them through feed.xsl.
    const browserView = new cloudfront.Function(this, "BrowserView", {
      functionName: this.accountGlobalName("view"),
      comment: "cleanfeed: browsers get the feeds as application/xml (feed.xsl renders them)",
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromFile({ filePath: BROWSER_VIEW_FUNCTION }),
    });
    const distribution = new cloudfront.Distribution(this, "Feed", {
      comment: "cleanfeed",
      defaultRootObject: "feed.atom",
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      ...(customDomain === null
        ? {}
        : {
            domainNames: [customDomain.domainName],
            // Only meaningful with an own certificate: the default one is fixed at TLSv1.
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            certificate: acm.Certificate.fromCertificateArn(
              this,
              "Certificate",
              customDomain.certificateArn,
            ),
          }),
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD_OPTIONS,
        compress: true,
        cachePolicy,
        responseHeadersPolicy: headers,
        functionAssociations: [
          { function: browserView, eventType: cloudfront.FunctionEventType.VIEWER_RESPONSE },
        ],
      },
      // Without s3:ListBucket S3 answers 403 for a missing file (an archive page
      // not written yet): cache that only briefly so it appears once published.
      errorResponses: [{ httpStatus: 403, ttl: Duration.seconds(10) }],
    });
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudFrontReadsPublicOnly",
        principals: [new iam.ServicePrincipal("cloudfront.amazonaws.com")],
        actions: [GET],
        resources: [this.bucket.arnForObjects(`${PREFIX.public}*`)],
        conditions: {
          StringEquals: {
            "AWS:SourceArn": this.formatArn({
              service: "cloudfront",
              region: "",
              resource: "distribution",
              resourceName: distribution.distributionId,
            }),
          },
        },
      }),
    );
    return distribution;
  }

  /**
   * A name that must be unique in the whole account (CloudFront's policies
   * and origin access controls are not regional): the stack name and the
   * region, so one account holds a stack per name and region. An OAC name
   * stops at 64 characters: 40 (the longest stack name) + 1 + 14 (the
   * longest region name so far) + 4 leaves room.
   */
  private accountGlobalName(kind: "oac" | "cache" | "headers" | "view"): string {
    return `${this.stackName}-${this.region}-${kind}`;
  }

  /** The S3 objects a key prefix covers (or the one key), for a policy statement. */
  private objects(...prefixes: string[]): string[] {
    return prefixes.map((p) => this.bucket.arnForObjects(p.endsWith("/") ? `${p}*` : p));
  }

  /**
   * `s3:ListBucket` for the keys a function reads. Beyond listing, it is what
   * makes S3 answer 404 rather than 403 for a missing key, and the store
   * reads "missing" as "not written yet" (a fresh bucket's head index, a new
   * source's state). S3 checks it with the requested key as `s3:prefix` (as
   * Ceph RGW does since ceph/ceph#68577, "to match aws behavior"), so the
   * condition names the same keys and prefixes the function reads: it can
   * learn that a key is missing only where it may read it anyway.
   */
  private listStatement(keys: string[]): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: "ListWhatItReads",
      actions: [LIST],
      resources: [this.bucket.bucketArn],
      conditions: {
        StringLike: { "s3:prefix": keys.map((k) => (k.endsWith("/") ? `${k}*` : k)) },
      },
    });
  }

  /**
   * Ingest stores stories and aliases, commits the head index, keeps
   * per-source state, writes and deletes its intents (the only prefix it
   * lists), and consumes (reads then deletes) `incoming/` drops. It has no
   * access to regenerate's archive state nor to the published files.
   */
  private grantIngest(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "StoreStories",
        actions: [GET, PUT],
        resources: this.objects(
          PREFIX.entries,
          PREFIX.keys,
          PREFIX.sources,
          HEAD_INDEX_KEY,
          PREFIX.intents,
        ),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "ConsumeDrops",
        actions: [GET, DELETE],
        resources: this.objects(PREFIX.incoming),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "DeleteCommittedIntents",
        actions: [DELETE],
        resources: this.objects(PREFIX.intents),
      }),
    );
    role.addToPrincipalPolicy(
      this.listStatement([
        PREFIX.entries,
        PREFIX.keys,
        PREFIX.sources,
        HEAD_INDEX_KEY,
        PREFIX.intents,
        PREFIX.incoming,
      ]),
    );
  }

  /**
   * Regenerate reads the head index and the stories, writes the public files,
   * and keeps its archive bookkeeping (`index/archive/state.json`). It lists
   * nothing; its ListBucket only makes those reads' missing keys 404s.
   */
  private grantRegenerate(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "ReadStories",
        actions: [GET],
        resources: this.objects(HEAD_INDEX_KEY, PREFIX.entries),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "PublishAndArchive",
        actions: [GET, PUT],
        resources: this.objects(PREFIX.public, ARCHIVE_STATE_KEY),
      }),
    );
    role.addToPrincipalPolicy(
      this.listStatement([HEAD_INDEX_KEY, PREFIX.entries, PREFIX.public, ARCHIVE_STATE_KEY]),
    );
  }

  private addAlarm(id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, props);
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
    return alarm;
  }

  /**
   * Any message in the dead-letter queue is work given up on after Lambda's
   * retries (a poll, a drop, a regeneration): tell someone. The message holds
   * the event and the error.
   */
  private alarmOnDeadLetters(): void {
    this.addAlarm("DeadLetters", {
      alarmDescription:
        "cleanfeed: a poll, a dropped document or a regeneration failed three times; the event and its error wait in the dead-letter queue",
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({
        period: ALARM_PERIOD,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * The feed goes stale when regenerate stops running: nothing invoked it
   * (the hourly schedule) for `staleFeedHours`. Its failures page sooner,
   * through the dead-letter queue, so its standard Invocations metric (which
   * counts failed runs too) is enough: no custom metric.
   *
   * Lambda publishes no data point for an hour without invocations, so a
   * stale feed is a whole window of missing data. Treated as breaching, it
   * would page on every fresh deploy (the hours before the function existed
   * are missing too); treated as missing, the alarm goes from OK to
   * INSUFFICIENT_DATA, and that transition pages. A new alarm starts in
   * INSUFFICIENT_DATA, which is no transition: nothing pages until regenerate
   * has run once and then stopped.
   */
  private alarmOnStaleFeed(staleFeedHours: number): void {
    const window = staleFeedWindow(staleFeedHours);
    const alarm = this.addAlarm("StaleFeed", {
      alarmDescription: `cleanfeed: regenerate was not invoked for ${window.hours} hours: the feed is stale (a failing regeneration pages through the dead-letter queue)`,
      metric: this.regenerate.function.metricInvocations({
        statistic: "Sum",
        period: Duration.hours(window.periodHours),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: window.periods,
      datapointsToAlarm: window.periods,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });
    alarm.addInsufficientDataAction(new SnsAction(this.alarmTopic));
  }
}

interface CustomDomain {
  domainName: string;
  certificateArn: string;
}

function customDomainOf(config: Config): CustomDomain | null {
  const { domainName, certificateArn } = config.deploy;
  if (domainName === null && certificateArn === null) return null;
  if (domainName === null) {
    throw new ConfigError("deploy.domainName", "is required when deploy.certificateArn is set");
  }
  if (certificateArn === null) {
    throw new ConfigError(
      "deploy.certificateArn",
      "is required when deploy.domainName is set (an ACM certificate in us-east-1)",
    );
  }
  if (!/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new ConfigError(
      "deploy.certificateArn",
      "must be the ARN of an ACM certificate in us-east-1 (CloudFront only uses those)",
    );
  }
  return { domainName, certificateArn };
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

/**
 * How the stale-feed alarm covers `hours`: hourly periods (regenerate runs at
 * least hourly), so that one period still filling never decides alone.
 * CloudWatch limits an alarm to period × evaluation periods ≤ 7 days, so
 * longer settings are capped there.
 */
export function staleFeedWindow(hours: number): {
  hours: number;
  periodHours: number;
  periods: number;
} {
  const capped = Math.min(hours, 7 * 24);
  return { hours: capped, periodHours: 1, periods: capped };
}

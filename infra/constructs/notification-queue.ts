/**
 * An SQS queue fed by S3 "object created" notifications for one key prefix,
 * with a dead-letter queue. Messages that keep failing end up in the DLQ,
 * where an alarm sees them, instead of retrying forever.
 */
import { Duration } from "aws-cdk-lib";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { EventType } from "aws-cdk-lib/aws-s3";
import { SqsDestination } from "aws-cdk-lib/aws-s3-notifications";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface NotificationQueueProps {
  bucket: s3.IBucket;
  /** Only keys starting with this notify the queue. */
  prefix: string;
  /** At least 6 × the consumer's timeout, as Lambda's SQS poller recommends. */
  visibilityTimeout: Duration;
  /** Deliveries before a message is moved to the DLQ. */
  maxReceiveCount: number;
}

/** Queue + DLQ subscribed to the bucket's ObjectCreated events under a prefix. */
export class NotificationQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: NotificationQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, "DeadLetters", {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      // The maximum: time to notice the alarm, fix the cause and redrive.
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, "Queue", {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
    props.bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.queue), {
      prefix: props.prefix,
    });
  }
}

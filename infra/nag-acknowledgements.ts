/**
 * Every cdk-nag (AwsSolutions) finding cleanfeed accepts, each with its
 * reason. This is the only place acknowledgements live: a reviewer reads one
 * file to see every rule the stack knowingly does not follow. Acknowledgements
 * are attached to the one construct they concern, never to the whole stack,
 * so a new resource with the same problem still fails synthesis.
 */
import { type CfnElement, Stack, Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import type { Config } from "../functions/core/config.ts";
import { PREFIX } from "../functions/store/layout.ts";
import type { CleanfeedStack } from "./cleanfeed-stack.ts";

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** `<LogicalId.Arn>` as cdk-nag spells a resource's ARN in IAM5 finding ids. */
function arnRef(element: IConstruct): string {
  const cfn = element.node.defaultChild as CfnElement;
  return `<${Stack.of(element).getLogicalId(cfn)}.Arn>`;
}

const PREFIX_REASON =
  "Object ARNs scoped to one key prefix of the cleanfeed bucket: the narrowest grant S3 allows for objects whose keys are content hashes and story ids created at run time.";

/** Acknowledges the findings cleanfeed accepts on its stack. */
export function acknowledgeNagFindings(stack: CleanfeedStack, config: Config): void {
  // --- The items bucket ------------------------------------------------------
  acknowledge(
    stack.bucket,
    "AwsSolutions-S1",
    "No server access logs: the bucket is private (BLOCK_ALL, SSL only) and reachable only by the two function roles and CloudFront via OAC; its logs would mostly record cleanfeed's own polling and cost a second bucket. Enable CloudTrail S3 data events when an audit trail is needed.",
  );

  // --- CloudFront ------------------------------------------------------------
  acknowledge(
    stack.distribution,
    "AwsSolutions-CFR1",
    "No geo restriction: a public feed is meant for readers anywhere.",
  );
  acknowledge(
    stack.distribution,
    "AwsSolutions-CFR2",
    "No WAF: the distribution serves a handful of small cached static files with GET/HEAD only; a web ACL costs more per month than the whole stack and has nothing to filter.",
  );
  acknowledge(
    stack.distribution,
    "AwsSolutions-CFR3",
    "No access logs: every request is an anonymous GET of a public file; logs would only collect readers' IP addresses. CloudFront's built-in metrics cover traffic and error rates.",
  );
  if (config.deploy.domainName === null) {
    acknowledge(
      stack.distribution,
      "AwsSolutions-CFR4",
      "Without a custom domain the distribution uses the default *.cloudfront.net certificate, for which CloudFront fixes the TLS policy. Setting deploy.domainName and deploy.certificateArn applies TLSv1.2_2021.",
    );
  }

  // --- Function roles: prefix-scoped object grants -------------------------------
  const bucket = arnRef(stack.bucket);
  const ingestPrefixes = [
    PREFIX.entries,
    PREFIX.keys,
    PREFIX.sources,
    PREFIX.intents,
    PREFIX.incoming,
  ];
  for (const prefix of ingestPrefixes) {
    acknowledge(
      stack.ingest.role,
      `AwsSolutions-IAM5[Resource::${bucket}/${prefix}*]`,
      PREFIX_REASON,
    );
  }
  for (const prefix of [PREFIX.entries, PREFIX.public]) {
    acknowledge(
      stack.regenerate.role,
      `AwsSolutions-IAM5[Resource::${bucket}/${prefix}*]`,
      PREFIX_REASON,
    );
  }

  // --- The dead-letter queue ----------------------------------------------------
  acknowledge(
    stack.deadLetters,
    "AwsSolutions-SQS3",
    "It is the dead-letter queue: the on-failure destination of both functions' asynchronous invocations (cdk-nag recognises only queues named in another queue's redrive policy).",
  );

  // --- EventBridge Scheduler ---------------------------------------------------
  for (const fn of [stack.ingest, stack.regenerate]) {
    acknowledge(
      stack.schedulerRole,
      `AwsSolutions-IAM5[Resource::${arnRef(fn.function)}:*]`,
      "Added by Function.grantInvoke for the scheduler: `<function ARN>:*` covers the function's versions and aliases, nothing else.",
    );
  }

  // --- Constructs CDK adds on our behalf -----------------------------------------
  for (const construct of stack.node.findAll()) {
    const id = construct.node.id;
    if (id.startsWith("BucketNotificationsHandler") && construct.node.tryFindChild("Role")) {
      acknowledge(
        construct,
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        "CDK's bucket-notifications custom resource: runs only during deployment to set the bucket's notification configuration; its role comes from aws-cdk-lib.",
      );
    }
  }
}

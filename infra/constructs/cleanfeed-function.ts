/**
 * The one Lambda preset both cleanfeed functions are built from. Ingest and
 * regenerate differ only in entry, environment, timeout/memory and grants;
 * everything else (runtime, architecture, bundling, logging) lives here so the
 * two can never drift apart.
 */
import type { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import type { Config } from "../../functions/core/config.ts";

/** The handler entries, relative to the repository root. */
export const FUNCTION_ENTRIES = {
  ingest: "functions/ingest/handler.ts",
  regenerate: "functions/regenerate/handler.ts",
} as const;

/** Which of the two functions a preset instance is. */
export type FunctionName = keyof typeof FUNCTION_ENTRIES;

/**
 * Lets ESM bundles load the CommonJS dependencies that call `require` on Node
 * built-ins (sanitize-html's postcss, for one); esbuild cannot rewrite those.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __cleanfeedCreateRequire } from 'node:module'; const require = __cleanfeedCreateRequire(import.meta.url);";

/**
 * The AWS SDK v3 ships with every Node.js Lambda runtime, so it is left out of
 * the bundle. Bundled in, it would take each bundle past the 1 MiB budget with
 * its source map (ingest 174%, regenerate 156%), though it would halve the
 * import time (`npm run bench`, "Lambda cold start"). The price is that the
 * deployed SDK version is the runtime's, not our lockfile's: the README pins
 * the tested range and the cold-start log checks it (`runtime/lambda.ts`).
 */
const EXTERNAL_MODULES = ["@aws-sdk/*"];

/** esbuild settings shared by the CDK bundling and the bundle-size test. */
export interface PresetBuild {
  minify: boolean;
  sourceMap: boolean;
  /** Sources inside the map: off, they would double the unzipped size for no runtime use. */
  sourcesContent: boolean;
  target: string;
  format: "esm";
  banner: string;
  mainFields: string[];
  externalModules: string[];
  /** `process.env.CLEANFEED_CONFIG` → the whole parsed config, as a JS string literal. */
  define: Record<string, string>;
}

/**
 * The build options for a given config. The config is baked into the bundle
 * (not an environment variable) because Lambda caps all variables at 4 KB and
 * a hundred sources do not fit.
 */
export function presetBuild(config: Config): PresetBuild {
  return {
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    target: "node24",
    format: "esm",
    banner: ESM_REQUIRE_BANNER,
    // Prefer ESM builds of dependencies: they tree-shake, CJS ones do not.
    mainFields: ["module", "main"],
    externalModules: EXTERNAL_MODULES,
    define: { "process.env.CLEANFEED_CONFIG": JSON.stringify(JSON.stringify(config)) },
  };
}

/** The runtime both functions run on. */
const RUNTIME = lambda.Runtime.NODEJS_24_X;

export interface CleanfeedFunctionProps {
  name: FunctionName;
  config: Config;
  /** Repository root: where `package-lock.json` and the entries are. */
  projectRoot: string;
  timeout: Duration;
  memorySize: number;
  /** Function-specific variables, on top of the Powertools ones. */
  environment: Record<string, string>;
  logRemovalPolicy: RemovalPolicy;
}

/**
 * A cleanfeed Lambda function: Node.js 24 on ARM, an ESM bundle with the
 * config baked in, JSON logs into a log group with a fixed retention, and a
 * role that can only write to that log group until the stack grants more.
 */
export class CleanfeedFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: CleanfeedFunctionProps) {
    super(scope, id);
    const { config } = props;
    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: retentionDays(config.deploy.logRetentionDays),
      removalPolicy: props.logRemovalPolicy,
    });
    // An explicit role instead of the default one, which carries the AWS
    // managed AWSLambdaBasicExecutionRole (logs:* on every log group).
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `cleanfeed ${props.name}: writes its own logs, plus the S3 prefixes it is granted`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    const build = presetBuild(config);
    this.function = new nodejs.NodejsFunction(this, "Function", {
      entry: `${props.projectRoot}/${FUNCTION_ENTRIES[props.name]}`,
      handler: "handler",
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      runtime: RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.DISABLED,
      description: `cleanfeed ${props.name}`,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_LOG_LEVEL: "INFO",
        // Stack traces point into the TypeScript sources, not the minified bundle.
        NODE_OPTIONS: "--enable-source-maps",
        ...props.environment,
      },
      bundling: {
        minify: build.minify,
        sourceMap: build.sourceMap,
        sourcesContent: build.sourcesContent,
        target: build.target,
        format: nodejs.OutputFormat.ESM,
        banner: build.banner,
        mainFields: build.mainFields,
        externalModules: build.externalModules,
        define: build.define,
      },
    });
  }
}

/** CloudWatch Logs accepts only some retention periods: round up to the next one. */
function retentionDays(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays)
    .filter((v): v is logs.RetentionDays => typeof v === "number" && v > 0)
    .sort((a, b) => a - b);
  return allowed.find((v) => v >= days) ?? logs.RetentionDays.TEN_YEARS;
}

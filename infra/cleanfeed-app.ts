/**
 * Builds the CDK app: the stack, the cdk-nag AwsSolutions checks and their
 * acknowledgements. `app.ts` (the `cdk` entry) and the tests both use this,
 * so what the tests check is what `cdk synth` produces.
 */
import { App, type AppProps, type Environment, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { Config } from "../functions/core/config.ts";
import { CleanfeedStack } from "./cleanfeed-stack.ts";
import { acknowledgeNagFindings } from "./nag-acknowledgements.ts";

export interface CleanfeedApp {
  app: App;
  stack: CleanfeedStack;
}

/**
 * A synthesizable app. Synthesis fails on any cdk-nag finding, warning or
 * error, that `nag-acknowledgements.ts` does not acknowledge with a reason.
 */
export function createCleanfeedApp(
  config: Config,
  options: { app?: App; appProps?: AppProps; env?: Environment } = {},
): CleanfeedApp {
  const app = options.app ?? new App(options.appProps);
  // The construct id is the name too, so `cdk deploy <name>` finds it. Without
  // `env` the stack deploys to the CLI's account and region.
  const name = config.deploy.stackName;
  const stack = new CleanfeedStack(app, name, {
    stackName: name,
    ...(options.env ? { env: options.env } : {}),
    config,
    description: "cleanfeed: one clean, duplicate-free feed from many sources",
  });
  acknowledgeNagFindings(stack, config);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/**
 * Builds the CDK app: the stack, the cdk-nag AwsSolutions checks and their
 * acknowledgements. `app.ts` (the `cdk` entry) and the tests both use this,
 * so what the tests check is what `cdk synth` produces.
 */
import { App, type AppProps, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { Config } from "../functions/core/config.ts";
import { CleanfeedStack } from "./cleanfeed-stack.ts";
import { acknowledgeNagFindings } from "./nag-acknowledgements.ts";

/** The stack's construct id, and so its CloudFormation name. */
const STACK_NAME = "CleanfeedStack";

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
  options: { app?: App; appProps?: AppProps } = {},
): CleanfeedApp {
  const app = options.app ?? new App(options.appProps);
  const stack = new CleanfeedStack(app, STACK_NAME, {
    config,
    description: "cleanfeed: one clean, duplicate-free feed from many sources",
  });
  acknowledgeNagFindings(stack, config);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

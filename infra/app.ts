/**
 * The `cdk` entry (see cdk.json). Loads `cleanfeed.config.json`, or the file
 * given with `cdk synth -c config=path`, and builds the app. A bad config
 * stops here with the offending key and a non-zero exit, before any AWS call.
 */
import { App } from "aws-cdk-lib";
import { ConfigError } from "../functions/core/errors.ts";
import { createCleanfeedApp } from "./cleanfeed-app.ts";
import { PROJECT_ROOT } from "./cleanfeed-stack.ts";
import { DEFAULT_CONFIG_FILE, loadConfig } from "./load-config.ts";

const app = new App();
const file = app.node.tryGetContext("config") ?? DEFAULT_CONFIG_FILE;
try {
  createCleanfeedApp(loadConfig(String(file), PROJECT_ROOT), { app });
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(`cleanfeed: ${e.message}`);
    process.exit(1);
  }
  throw e;
}

#!/usr/bin/env node
// The `cleanfeed` command. tsx runs the TypeScript sources directly, so the
// command and the Lambdas run the very same code with no build step.
import { register } from "tsx/esm/api";

// The SDK warns on Node 20 about its 2027 plans; the command supports Node 20 today.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
register();
const { main } = await import("../functions/local/cli.ts");
process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// The `cleanfeed` command. tsx runs the TypeScript sources directly, so the
// command and the Lambdas run the very same code with no build step.
import { register } from "tsx/esm/api";

register();
const { run } = await import("../functions/local/cli.ts");
await run(process.argv.slice(2));

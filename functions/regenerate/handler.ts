/**
 * Lambda entry: regenerate the published feeds. All logic is in
 * dispatch/regenerate; the result (files written, entries, archive pages) is
 * in dispatch's log line, not in a custom metric.
 */
import { lambdaRuntime } from "../runtime/lambda.ts";
import { notifyHub } from "../sources/websub.ts";
import { createRegenerateHandler } from "./dispatch.ts";

const rt = lambdaRuntime();

export const handler = createRegenerateHandler({ ...rt, pingHub: notifyHub });

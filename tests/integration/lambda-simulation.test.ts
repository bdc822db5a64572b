/**
 * The Lambda simulation: what `cdk deploy` would upload, run as Lambda runs
 * it, before anyone deploys. The app is synthesized with bundling (the real
 * `index.mjs` assets and the template, from one synth); each bundle is copied
 * to a task folder outside the repository, where only the runtime's AWS SDK
 * resolves; one child process (tests/helpers/lambda-child.mjs) imports it
 * with the environment the template gives the function and calls its handler
 * with the event fixtures. S3 is the embedded server behind a front that
 * enforces each function's role policy from the same template, so a missing
 * grant, a dynamic require, a missing external or a wrong variable name
 * fails here, not in the cloud.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CfnElement } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sourceKey } from "../../functions/core/dedupe/keys.ts";
import { stateForSource } from "../../functions/sources/state.ts";
import type { HeadIndex } from "../../functions/store/head.ts";
import { HEAD_INDEX_KEY } from "../../functions/store/layout.ts";
import { createCleanfeedApp } from "../../infra/cleanfeed-app.ts";
import { testConfig } from "../helpers/config.ts";
import { resolveExpression, resolveStatements } from "../helpers/iam-policy.ts";
import { type IamS3Front, startIamS3Front } from "../helpers/iam-s3-front.ts";
import { layOutTask } from "../helpers/lambda-task.ts";
import { startTestStore, type TestStore } from "../helpers/store.ts";
import { CDK_JSON_CONTEXT } from "../infra/synth.ts";

type Json = Record<string, unknown>;
type FunctionName = "ingest" | "regenerate";

const events = new URL("../fixtures/events/", import.meta.url).pathname;
const event = (name: string) => JSON.parse(readFileSync(join(events, name), "utf-8"));
const BUCKET = "cleanfeed-items";
const DISTRIBUTION_DOMAIN = "d111111abcdef8.cloudfront.net";

// Sources a deployed ingest refuses without touching the network (loopback).
const config = testConfig({
  sources: [
    { name: "wire", url: "http://127.0.0.1:9/wire.xml" },
    { name: "desk", url: "http://127.0.0.1:9/desk.xml" },
  ],
});

interface Reply {
  ok: boolean;
  value: unknown;
  error?: { name: string; message: string };
  logs: string;
}

interface Deployed {
  entry: string;
  env: Record<string, string>;
  front: IamS3Front;
}

let root: string;
let store: TestStore;
/** The input of the template's poll schedule (one shard: no shard index). */
let pollInput: Json;
let child: ChildProcess;
const deployed = {} as Record<FunctionName, Deployed>;
const waiting = new Map<number, (reply: Reply) => void>();
let nextId = 0;

/** One invocation in the child, as Lambda would make it. */
function invoke(fn: FunctionName, payload: unknown): Promise<Reply> {
  const id = ++nextId;
  const { entry, env } = deployed[fn];
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    child.send({ id, entry, env, event: payload, functionName: env.AWS_LAMBDA_FUNCTION_NAME });
  });
}

/**
 * What the template's expressions stand for in this simulation. Strict for
 * the environment (a variable it cannot resolve fails the test); the
 * policies' other resources (log groups, queues) keep a placeholder.
 */
function lookupFor(ids: { bucket: string; distribution: string }, strict: boolean) {
  return (logicalId: string, attribute: string | null): string => {
    if (logicalId === ids.bucket && attribute === null) return BUCKET;
    if (logicalId === ids.bucket && attribute === "Arn") return `arn:aws:s3:::${BUCKET}`;
    if (logicalId === ids.distribution && attribute === "DomainName") return DISTRIBUTION_DOMAIN;
    if (!strict) return `${logicalId}.${attribute ?? "Ref"}`;
    throw new Error(`the simulation does not know ${logicalId}.${attribute ?? "Ref"}`);
  };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "cleanfeed-lambda-sim-"));
  // The real synth: bundling on, cdk.json's flags, cdk-nag.
  const { app, stack } = createCleanfeedApp(config, {
    appProps: {
      outdir: join(root, "cdk.out"),
      context: { ...CDK_JSON_CONTEXT, "@aws-cdk/core:appMode": "inmemory" },
    },
  });
  app.synth();
  const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, Json> };
  const id = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const ids = { bucket: id(stack.bucket), distribution: id(stack.distribution) };
  expect(stack.pollSchedules).toHaveLength(1);
  const schedule = template.Resources[id(stack.pollSchedules[0]!)]!.Properties as Json;
  pollInput = JSON.parse(String((schedule.Target as Json).Input));

  store = await startTestStore(BUCKET);
  let nodeOptions: string[] = [];
  for (const fn of ["ingest", "regenerate"] as const) {
    const props = template.Resources[id(stack[fn].function)]!.Properties as Json;
    const asset = String((props.Code as Json).S3Key).replace(/\.zip$/, "");
    const entry = layOutTask(
      join(root, fn),
      { code: { path: join(root, "cdk.out", `asset.${asset}`, "index.mjs") } },
      { runtimeSdk: true },
    );
    const policy = Object.values(template.Resources).find(
      (r) =>
        r.Type === "AWS::IAM::Policy" &&
        ((r.Properties as Json).Roles as Json[]).some((role) => role.Ref === id(stack[fn].role)),
    )!.Properties as Json;
    const front = await startIamS3Front({
      target: store.s3.endpoint,
      bucket: BUCKET,
      statements: resolveStatements(policy.PolicyDocument as Json, lookupFor(ids, false)),
    });
    const variables = (props.Environment as { Variables: Record<string, unknown> }).Variables;
    const env = Object.fromEntries(
      Object.entries(variables).map(([k, v]) => [
        k,
        String(resolveExpression(v, lookupFor(ids, true))),
      ]),
    );
    nodeOptions = (env.NODE_OPTIONS ?? "").split(" ").filter(Boolean);
    deployed[fn] = {
      entry,
      front,
      env: {
        ...env,
        AWS_LAMBDA_FUNCTION_NAME: `Cleanfeed-${fn}`,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(props.MemorySize),
        LAMBDA_TASK_ROOT: join(root, fn, "task"),
        // test-only: the template never sets it (tests/infra/stack.test.ts)
        CLEANFEED_S3_ENDPOINT: front.endpoint,
      },
    };
  }
  // What the runtime provides every function: region, the role's credentials.
  child = fork(new URL("../helpers/lambda-child.mjs", import.meta.url).pathname, [], {
    execArgv: nodeOptions,
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      TZ: ":UTC",
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "eu-west-1",
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      // Node 20 runs the simulation locally; the SDK's notice about it is not news here.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let crash = "";
  child.stderr?.on("data", (chunk) => {
    crash += String(chunk);
  });
  child.on("message", (reply: Reply & { id: number }) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  // A child that dies answers every pending invocation, instead of leaving it to a timeout.
  child.on("exit", (code, signal) => {
    for (const done of waiting.values()) {
      done({
        ok: false,
        value: null,
        error: { name: "ChildExited", message: `exit ${code ?? signal}: ${crash}` },
        logs: "",
      });
    }
    waiting.clear();
  });
}, 600_000);

afterAll(async () => {
  child?.kill();
  for (const d of Object.values(deployed)) await d.front.close();
  await store?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const atom = (n: string) => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Drops ${n}</title><id>urn:x-drop:${n}</id>
<updated>2025-06-03T12:00:00Z</updated><author><name>Desk</name></author>
<entry><title>Dropped story ${n}</title><id>urn:x-drop:${n}:1</id>
<link href="https://drops.example/${n}"/><updated>2025-06-03T12:00:00Z</updated>
<summary>The story dropped as ${n}, one of a batch.</summary></entry></feed>`;

/**
 * The event S3 delivers to a function for one created object (one record an
 * event), its key URL-encoded with `+` for spaces, as S3 sends it.
 */
function s3Created(...keys: string[]): Json {
  const [template] = (event("s3-object-created.json") as { Records: Json[] }).Records;
  return {
    Records: keys.map((key) => {
      const record = structuredClone(template) as { s3: Json };
      record.s3 = {
        ...record.s3,
        bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` },
        object: {
          key: key.includes("%")
            ? key
            : encodeURIComponent(key).replace(/%2F/g, "/").replace(/%20/g, "+"),
          size: 1,
        },
      };
      return record;
    }),
  };
}
/** Drops each key with an invocation of its own, one after the other (as S3 notifies). */
async function dropEach(keys: string[]): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (const key of keys) replies.push(await invoke("ingest", s3Created(key)));
  return replies;
}
const keys = async (prefix: string) => (await store.objects.list(prefix)).map((o) => o.key);
const storedStories = async () =>
  (await store.objects.getJson<HeadIndex>(HEAD_INDEX_KEY))?.value.stories ?? [];

// Cases share the store and the child, in order; the machine is slow, so no tight limits.
describe("the synthesized bundles, run as Lambda runs them", { timeout: 300_000 }, () => {
  it("ingests 10 drops, each notified by S3 on its own, deletes them, and logs the runtime's SDK", async () => {
    const drops = Array.from({ length: 10 }, (_, i) => `incoming/drop-${i}.atom`);
    for (const [i, key] of drops.entries()) await store.objects.put(key, atom(`${i}`));
    const replies = await dropEach(drops);
    for (const reply of replies) {
      expect(reply.error).toBeUndefined();
      expect((reply.value as { reports: { new: number }[] }).reports).toMatchObject([{ new: 1 }]);
    }
    const [reply] = replies as [Reply];
    expect(await storedStories()).toHaveLength(10);
    expect(await keys("incoming/")).toEqual([]);
    // the cold start names the SDK version that runs: the one this folder's runtime provides
    const sdk = JSON.parse(
      readFileSync(
        new URL("../../node_modules/@aws-sdk/client-s3/package.json", import.meta.url),
        "utf-8",
      ),
    );
    expect(reply.logs).toContain(`"s3Sdk":"${sdk.version}"`);
  });

  it("regenerates the feed from the head index's S3 notification", async () => {
    const reply = await invoke("regenerate", s3Created("index/head.json"));
    expect(reply.error).toBeUndefined();
    expect(reply.value).toMatchObject({ entries: 10 });
    const feed = (await store.objects.getText("public/feed.atom"))?.value ?? "";
    for (let i = 0; i < 10; i++) expect(feed).toContain(`Dropped story ${i}`);
    expect(feed).toContain(`https://${DISTRIBUTION_DOMAIN}/feed.atom`);
    expect(reply.logs).toMatch(/"message":"feed regenerated"/);
  });

  it("fails the invocation of a malformed drop, naming it and keeping it (Lambda retries, then the dead-letter queue); the others stored", async () => {
    await store.objects.put("incoming/good-1.atom", atom("good-1"));
    await store.objects.put("incoming/poison.xml", "<rss><channel><item><title>cut off");
    await store.objects.put("incoming/good-2.atom", atom("good-2"));
    const [good1, poison, good2] = await dropEach([
      "incoming/good-1.atom",
      "incoming/poison.xml",
      "incoming/good-2.atom",
    ]);
    expect(good1!.error).toBeUndefined();
    expect(good2!.error).toBeUndefined();
    expect(poison!.ok).toBe(false);
    expect(poison!.error).toMatchObject({ name: "DropsFailedError" });
    expect(poison!.error?.message).toMatch(/incoming\/poison\.xml: refused: /);
    expect(await keys("incoming/")).toEqual(["incoming/poison.xml"]);
    expect(await storedStories()).toHaveLength(12);
  });

  it("fails an invocation naming the S3 key it cannot decode, after storing the record beside it", async () => {
    await store.objects.put("incoming/world desk.atom", atom("world-desk"));
    const reply = await invoke(
      "ingest",
      s3Created("incoming/bad%ZZname.atom", "incoming/world desk.atom"),
    );
    expect(reply.ok).toBe(false);
    expect(reply.error?.message).toMatch(/cannot decode the S3 key "incoming\/bad%ZZname\.atom"/);
    expect(await keys("incoming/")).toEqual(["incoming/poison.xml"]);
    expect(await storedStories()).toHaveLength(13);
  });

  it("accepts a push through the Function URL event shape", async () => {
    const reply = await invoke("ingest", event("function-url-push.json"));
    expect(reply.error).toBeUndefined();
    const response = reply.value as { statusCode: number; body: string };
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ items: 1, new: 1 });
    expect(await storedStories()).toHaveLength(14);
  });

  it("returns normally from a poll in which one source failed and the other was not due", async () => {
    const desk = stateForSource(null, "desk", "http://127.0.0.1:9/desk.xml");
    await store.objects.putJson(`sources/${sourceKey("desk")}.json`, {
      state: { ...desk, nextFetchAfter: "2999-01-01T00:00:00Z" },
      known: {},
    });
    // the schedule's own input, as Scheduler delivers it
    expect(pollInput).toEqual({ source: "aws.scheduler", action: "poll" });
    const reply = await invoke("ingest", pollInput);
    expect(reply.error).toBeUndefined();
    const { sources } = reply.value as { sources: { source: string; error: string | null }[] };
    expect(sources.map((s) => [s.source, s.error === null])).toEqual([
      ["wire", false],
      ["desk", true],
    ]);
    // counts are log fields, not custom metrics
    expect(reply.logs).toMatch(/"message":"poll done".*"sourceFailures":1/);
    expect(reply.logs).not.toMatch(/"_aws":\{"Timestamp"/);
  });

  it("polls the shard a schedule names, and fails on a shard the config does not have", async () => {
    const shard0 = await invoke("ingest", { ...pollInput, shard: 0 });
    expect(shard0.error).toBeUndefined();
    const { sources } = shard0.value as { sources: { source: string }[] };
    expect(sources.map((s) => s.source)).toEqual(["wire", "desk"]);
    const shard1 = await invoke("ingest", { ...pollInput, shard: 1 });
    expect(shard1.error?.message).toBe("ingest: no poll shard 1; the config has 1");
  });

  it("needed no request its role does not grant, and no missing key it may not list", () => {
    for (const fn of ["ingest", "regenerate"] as const) {
      const refused = deployed[fn].front.decisions.filter((d) => !d.allowed);
      expect(refused, fn).toEqual([]);
    }
    const ingestKeys = deployed.ingest.front.decisions.map((d) => d.key);
    expect(ingestKeys.filter((k) => /^(public|index\/archive)\//.test(k))).toEqual([]);
    expect(deployed.ingest.front.decisions).toContainEqual(
      expect.objectContaining({
        action: "s3:DeleteObject",
        key: expect.stringMatching(/^index\/intents\//),
      }),
    );
  });

  describe("when S3 refuses the functions' credentials (a total outage)", () => {
    beforeAll(() => {
      for (const d of Object.values(deployed)) d.front.refuseAll = true;
    });

    it("fails the poll invocation, after logging its counts", async () => {
      const reply = await invoke("ingest", pollInput);
      expect(reply.ok).toBe(false);
      expect(reply.error?.message).toMatch(/^every source failed \(2\): wire: .*AccessDenied/);
      // both sources' failures are in the log line written before the throw
      expect(reply.logs).toMatch(/"message":"poll done".*"sourceFailures":2/);
    });

    it("fails every drop's invocation, and keeps every drop for the retry", async () => {
      const drops = Array.from({ length: 10 }, (_, i) => `incoming/drop-${i}.atom`);
      for (const [i, key] of drops.entries()) await store.objects.put(key, atom(`x${i}`));
      for (const reply of await dropEach(drops)) {
        expect(reply.ok).toBe(false);
        expect(reply.error?.message).toMatch(/AccessDenied|Access Denied/);
      }
      expect(await keys("incoming/drop-")).toHaveLength(10);
    });

    it("fails a push invocation (the Function URL answers 502)", async () => {
      const reply = await invoke("ingest", event("function-url-push.json"));
      expect(reply.ok).toBe(false);
      expect(reply.error?.message).toMatch(/Access Denied|AccessDenied/);
    });

    it("does not report a regeneration as done", async () => {
      const reply = await invoke("regenerate", s3Created("index/head.json"));
      expect(reply.ok).toBe(false);
      expect(reply.logs).not.toMatch(/"feed regenerated"/);
    });
  });
});

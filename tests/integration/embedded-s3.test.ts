import { GetObjectCommand, PutObjectCommand, S3ServiceException } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStore, type TestStore } from "../helpers/store.ts";

// One store for the file: each test uses its own keys, and close() also destroys the client.
let store: TestStore;
let s3: TestStore["s3"];
const client = () => store.objects.client;

beforeAll(async () => {
  store = await startTestStore();
  s3 = store.s3;
});
afterAll(async () => {
  await store.close();
});

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof S3ServiceException) return e.$metadata.httpStatusCode ?? 0;
    throw e;
  }
}

describe("embedded S3 conditional writes (as real S3 enforces them)", () => {
  it("stores and returns an object byte for byte", async () => {
    const c = client();
    await c.send(new PutObjectCommand({ Bucket: s3.bucket, Key: "a/b.json", Body: '{"x":"é"}' }));
    const got = await c.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "a/b.json" }));
    expect(await got.Body?.transformToString()).toBe('{"x":"é"}');
  });

  it("answers 412 to If-None-Match: * on an existing key, and creates a missing one", async () => {
    const c = client();
    const put = (body: string) =>
      c.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: "once", Body: body, IfNoneMatch: "*" }),
      );
    expect(await statusOf(put("first"))).toBe(200);
    expect(await statusOf(put("second"))).toBe(412);
    const got = await c.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "once" }));
    expect(await got.Body?.transformToString()).toBe("first");
  });

  it("answers 412 to a stale If-Match and accepts the current ETag", async () => {
    const c = client();
    const v1 = await c.send(new PutObjectCommand({ Bucket: s3.bucket, Key: "cas", Body: "v1" }));
    const v2 = await c.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: "cas", Body: "v2", IfMatch: v1.ETag }),
    );
    expect(v2.ETag).not.toBe(v1.ETag);
    const stale = c.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: "cas", Body: "v3", IfMatch: v1.ETag }),
    );
    expect(await statusOf(stale)).toBe(412);
    const missing = c.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: "nope", Body: "x", IfMatch: v1.ETag }),
    );
    expect(await statusOf(missing)).toBe(412);
  });

  it("lets exactly one of many concurrent creators win", async () => {
    const c = client();
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        statusOf(
          c.send(
            new PutObjectCommand({
              Bucket: s3.bucket,
              Key: "race",
              Body: `w${i}`,
              IfNoneMatch: "*",
            }),
          ),
        ),
      ),
    );
    expect(results.filter((s) => s === 200)).toHaveLength(1);
    expect(results.filter((s) => s === 412)).toHaveLength(15);
  });

  it("lets exactly one of many concurrent compare-and-swaps on one ETag win", async () => {
    const c = client();
    const base = await c.send(new PutObjectCommand({ Bucket: s3.bucket, Key: "cas2", Body: "0" }));
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        statusOf(
          c.send(
            new PutObjectCommand({
              Bucket: s3.bucket,
              Key: "cas2",
              Body: `n${i}`,
              IfMatch: base.ETag,
            }),
          ),
        ),
      ),
    );
    expect(results.filter((s) => s === 200)).toHaveLength(1);
  });
});

/**
 * The start-up check of a data folder, on the torn shapes kills leave (as
 * found after kill -9 of s3rver, and the cut-short writes of cleanfeed's own
 * atomic store), and the read path on an object torn while the server runs.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedS3, startEmbeddedS3 } from "../../functions/local/embedded-s3.ts";
import { CHECKED_MARK } from "../../functions/local/repair.ts";
import { filesOf, metadataJson, stampOf, TMP } from "../../functions/local/s3-files.ts";
import { createS3Client } from "../../functions/store/client.ts";

const BUCKET = "repair";
const dir = mkdtempSync(join(tmpdir(), "cleanfeed-repair-"));
const files = (key: string) => filesOf(join(dir, BUCKET, key));
const body = (text: string, size: number) => Buffer.alloc(size, "x").fill(text, 0, text.length);

let s3: EmbeddedS3;
let client: S3Client;
let lines: string[];

async function start() {
  lines = [];
  s3 = await startEmbeddedS3({ directory: dir, bucket: BUCKET, log: (l) => lines.push(l) });
  client = createS3Client({ bucket: BUCKET, endpoint: s3.endpoint, embedded: true });
}
async function stop() {
  client.destroy();
  await s3.close();
}

const put = (Key: string, Body: Buffer | string, ContentType = "application/json") =>
  client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body, ContentType }));

async function read(Key: string): Promise<{ body: string; type?: string } | number> {
  try {
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
    return { body: (await got.Body?.transformToString()) ?? "", type: got.ContentType };
  } catch (e) {
    if (e instanceof S3ServiceException) return e.$metadata.httpStatusCode ?? 0;
    throw e;
  }
}

/** An object as s3rver wrote it before stamps: metadata without the object's md5 and size. */
function legacyObject(key: string, object: Buffer, md5: string) {
  const f = files(key);
  mkdirSync(dirname(f.object), { recursive: true });
  writeFileSync(f.object, object);
  writeFileSync(f.md5, md5);
  writeFileSync(f.metadata, JSON.stringify({ "content-type": "application/json" }));
}

const md5Of = (b: Buffer) => createHash("md5").update(b).digest("hex");

beforeAll(async () => {
  // Prepare: objects written through the server, then torn by hand as kills leave them.
  await start();
  await put("entries/whole.json", '{"whole":true}');
  await put("entries/truncated.json", body("truncated", 1234));
  await put("entries/md5.json", '{"md5":1}');
  await put("incoming/x.xml", "<rss/>", "application/xml");
  await put("index/head.json", '{"v":1}');
  await put("entries/undo.json", '{"v":1}');
  await put("entries/gone.json", '{"gone":1}');
  await stop();

  truncateSync(files("entries/truncated.json").object, 0);
  writeFileSync(files("entries/md5.json").md5, "");
  writeFileSync(files("incoming/x.xml").metadata, "");
  const full = body("legacy", 5000);
  legacyObject("legacy/whole.json", full, md5Of(full));
  legacyObject("legacy/torn.json", full.subarray(0, 1000), md5Of(full));
  legacyObject("legacy/nomd5.json", full, "");
  // A write of v2 killed after its first rename: the object is in place, md5 and metadata are not.
  const head = files("index/head.json");
  const v2 = Buffer.from('{"v":2}');
  writeFileSync(head.md5 + TMP, md5Of(v2));
  writeFileSync(
    head.metadata + TMP,
    metadataJson({ "content-type": "application/json" }, stampOf(v2)),
  );
  writeFileSync(head.object, v2);
  // A write killed while its metadata temp file was being written.
  const undo = files("entries/undo.json");
  writeFileSync(undo.object + TMP, '{"v":2}');
  writeFileSync(undo.metadata + TMP, "");
  // A delete killed after the object went.
  rmSync(files("entries/gone.json").object);
  // Never checked, as a folder an older cleanfeed's s3rver wrote in place.
  rmSync(join(dir, CHECKED_MARK));

  // Act
  await start();
});
afterAll(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a data folder with torn objects", () => {
  it("names each torn object once, and repairs or quarantines it", () => {
    expect(lines.sort()).toEqual([
      "quarantined entries/truncated.json: object truncated (0 of 1234 bytes)",
      "quarantined legacy/nomd5.json: no intact md5 file or metadata to check the object (5000 bytes) against",
      "quarantined legacy/torn.json: object does not match its md5 file (1000 bytes)",
      "repaired entries/gone.json: removed the md5 and metadata a delete left behind",
      "repaired entries/md5.json: md5 file rebuilt from the object, which matches its metadata",
      "repaired entries/undo.json: undid a write that was cut short (the previous version stays)",
      "repaired incoming/x.xml: metadata rebuilt from the object, which matches its md5 file",
      "repaired index/head.json: finished a write that was cut short",
    ]);
  });

  it("moves quarantined objects beside the bucket folder, never deleting them", () => {
    const runs = readdirSync(join(dir, "quarantine"));
    expect(runs).toHaveLength(1);
    const moved = (key: string) => join(dir, "quarantine", runs[0]!, BUCKET, key);
    for (const key of ["entries/truncated.json", "legacy/torn.json", "legacy/nomd5.json"]) {
      expect(existsSync(filesOf(moved(key)).object), key).toBe(true);
      expect(existsSync(files(key).object), key).toBe(false);
    }
  });

  it("serves every other object whole, and a quarantined one as missing", async () => {
    expect(await read("entries/whole.json")).toMatchObject({ body: '{"whole":true}' });
    expect(await read("entries/md5.json")).toMatchObject({ body: '{"md5":1}' });
    expect(await read("incoming/x.xml")).toMatchObject({
      body: "<rss/>",
      type: /application\/xml/,
    });
    expect(await read("index/head.json")).toMatchObject({ body: '{"v":2}' });
    expect(await read("entries/undo.json")).toMatchObject({ body: '{"v":1}' });
    expect(await read("legacy/whole.json")).toMatchObject({
      body: expect.stringMatching(/^legacy/),
    });
    for (const key of ["entries/truncated.json", "legacy/torn.json", "entries/gone.json"]) {
      expect(await read(key), key).toBe(404);
    }
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual([
      "entries/md5.json",
      "entries/undo.json",
      "entries/whole.json",
      "incoming/x.xml",
      "index/head.json",
      "legacy/whole.json",
    ]);
  });

  it("reads an object torn while it runs as missing (404), never a 500 or half an object", async () => {
    await put("entries/later.json", body("later", 3000));
    const later = files("entries/later.json");
    truncateSync(later.object, 100);
    expect(await read("entries/later.json")).toBe(404);
    const head = client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "entries/later.json" }));
    await expect(head).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    writeFileSync(files("entries/whole.json").metadata, "");
    expect(await read("entries/whole.json")).toBe(404);
    // Missing, so a create goes through and the key is whole again.
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: "entries/later.json",
        Body: "{}",
        IfNoneMatch: "*",
      }),
    );
    expect(await read("entries/later.json")).toMatchObject({ body: "{}" });
    expect(existsSync(later.object + TMP)).toBe(false);
  });

  it("once checked, looks closer only at what the listing shows unsettled", async () => {
    // Prepare: a write cut short, and an object torn by something else than a kill.
    await stop();
    expect(existsSync(join(dir, CHECKED_MARK))).toBe(true);
    const cut = files("entries/md5.json");
    writeFileSync(cut.object + TMP, '{"md5":2}');
    truncateSync(files("incoming/x.xml").object, 2);
    // Act
    await start();
    // Assess
    expect(lines).toEqual([
      "repaired entries/md5.json: undid a write that was cut short (the previous version stays)",
    ]);
    expect(await read("entries/md5.json")).toMatchObject({ body: '{"md5":1}' });
    expect(await read("incoming/x.xml")).toBe(404);
  });

  it("finds nothing more to do at the next start", async () => {
    await put("entries/whole.json", '{"whole":true}');
    await put("incoming/x.xml", "<rss/>");
    await stop();
    await start();
    expect(lines).toEqual([]);
  });
});

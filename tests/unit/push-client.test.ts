import { createHash, createHmac } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pushToEndpoint, regionFromFunctionUrl } from "../../functions/sources/push-client.ts";
import { startServer, type TestServer } from "../helpers/http.ts";

const KEY = "AKIDCLEANFEEDTEST";
const SECRET = "cleanfeed/test/secret/key/0000000000000";
const BODY = JSON.stringify({ items: [{ title: "Pushed", url: "https://news.example/a" }] });

const sha256 = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");
const hmac = (key: string | Buffer, s: string) => createHmac("sha256", key).update(s).digest();

/** Recomputes a SigV4 signature from what the server received, independently of the client. */
function expectedSignature(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  signedHeaders: string[],
  body: string,
  scope: { date: string; region: string; service: string },
): string {
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${String(headers[h]).trim()}\n`).join("");
  const canonical = [
    method,
    path,
    "",
    canonicalHeaders,
    signedHeaders.join(";"),
    sha256(body),
  ].join("\n");
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const toSign = [
    "AWS4-HMAC-SHA256",
    headers["x-amz-date"],
    credentialScope,
    sha256(canonical),
  ].join("\n");
  let key: Buffer = hmac(`AWS4${SECRET}`, scope.date);
  for (const part of [scope.region, scope.service, "aws4_request"]) key = hmac(key, part);
  return createHmac("sha256", key).update(toSign).digest("hex");
}

let server: TestServer | null = null;
let received = "";
beforeEach(() => {
  vi.stubEnv("AWS_ACCESS_KEY_ID", KEY);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", SECRET);
  vi.stubEnv("AWS_SESSION_TOKEN", "test-session-token");
  vi.stubEnv("AWS_PROFILE", "");
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  server = null;
});

describe("pushToEndpoint", () => {
  it("POSTs the body signed with SigV4 for the lambda service, using env credentials", async () => {
    server = await startServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received = Buffer.concat(chunks).toString("utf8");
        res.writeHead(202, { "content-type": "application/json" }).end('{"accepted":1}');
      });
    });
    const r = await pushToEndpoint(`${server.origin}/`, BODY, "eu-west-1");
    expect(r).toEqual({ status: 202, body: '{"accepted":1}' });
    expect(received).toBe(BODY);

    const seen = server.seen[0]!;
    const amzDate = String(seen.headers["x-amz-date"]);
    expect(amzDate).toMatch(/^\d{8}T\d{6}Z$/);
    expect(seen.headers["x-amz-security-token"]).toBe("test-session-token");
    expect(seen.headers["content-type"]).toBe("application/json");
    const auth = String(seen.headers.authorization);
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    expect(m, auth).not.toBeNull();
    const [, keyId, date, region, service, signed, signature] = m!;
    expect([keyId, date, region, service]).toEqual([
      KEY,
      amzDate.slice(0, 8),
      "eu-west-1",
      "lambda",
    ]);
    const signedHeaders = signed!.split(";");
    expect(signedHeaders).toEqual(expect.arrayContaining(["host", "x-amz-date", "content-type"]));
    expect(signature).toBe(
      expectedSignature("POST", "/", seen.headers, signedHeaders, BODY, {
        date: date!,
        region: "eu-west-1",
        service: "lambda",
      }),
    );
  });

  it("takes the region from a Function URL host name", () => {
    expect(
      regionFromFunctionUrl(new URL("https://abcdef123.lambda-url.ap-southeast-2.on.aws/")),
    ).toBe("ap-southeast-2");
    expect(regionFromFunctionUrl(new URL("https://push.example.org/"))).toBeNull();
  });

  it("says what is wrong when it cannot tell the region", async () => {
    vi.stubEnv("AWS_REGION", "");
    vi.stubEnv("AWS_DEFAULT_REGION", "");
    await expect(pushToEndpoint("http://127.0.0.1:9/", BODY)).rejects.toThrow(
      /cannot tell the AWS region/,
    );
  });

  it("reports a connection failure as a rejection naming the endpoint", async () => {
    server = await startServer((_req, res) => res.end());
    const origin = server.origin;
    await server.close();
    server = null;
    await expect(pushToEndpoint(`${origin}/`, BODY, "us-east-1")).rejects.toThrow(
      /^push to 127\.0\.0\.1:\d+ failed/,
    );
  });
});

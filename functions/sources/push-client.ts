/**
 * The client side of `cleanfeed push`: POSTs a JSON body of pushed items to
 * the ingest function's Function URL. That URL uses AWS_IAM auth (it is never
 * anonymous), so the request is signed with SigV4 for the "lambda" service
 * using whatever credentials the default AWS chain finds (env vars, profile,
 * SSO, instance role…).
 */

import * as http from "node:http";
import * as https from "node:https";
import { text } from "node:stream/consumers";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { Sha256Node } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";

/** What the endpoint answered. */
export interface PushResponse {
  status: number;
  /** The response body as text (the ingest function's JSON summary or error). */
  body: string;
}

/** Credentials as SigV4 wants them; the default chain provides them otherwise. */
interface PushCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface PushOptions {
  /** Default 30 s. */
  timeoutMs?: number;
  /** Default: the AWS default credential chain. */
  credentials?: () => Promise<PushCredentials>;
}

/** `abc123.lambda-url.eu-west-1.on.aws` → `eu-west-1`. */
export function regionFromFunctionUrl(url: URL): string | null {
  const m = /^[^.]+\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(url.hostname);
  return m?.[1] ?? null;
}

/**
 * Sends `body` (JSON text) to a Lambda Function URL with AWS_IAM auth. The
 * region comes from the argument, else from the Function URL's host name,
 * else from AWS_REGION / AWS_DEFAULT_REGION. Resolves with any HTTP answer
 * (check `status`); rejects only when no request could be made.
 */
export async function pushToEndpoint(
  endpointUrl: string,
  body: string,
  region?: string,
  opts: PushOptions = {},
): Promise<PushResponse> {
  if (!URL.canParse(endpointUrl))
    throw new Error(`push endpoint is not a valid URL: ${endpointUrl}`);
  const url = new URL(endpointUrl);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`push endpoint must be an https URL, got ${url.protocol}`);
  }
  const signingRegion =
    region ??
    regionFromFunctionUrl(url) ??
    process.env.AWS_REGION ??
    process.env.AWS_DEFAULT_REGION ??
    null;
  if (!signingRegion) {
    throw new Error("cannot tell the AWS region of the push endpoint: pass it or set AWS_REGION");
  }
  const signer = new SignatureV4({
    service: "lambda",
    region: signingRegion,
    credentials: opts.credentials ?? defaultProvider(),
    sha256: Sha256Node,
  });
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  }
  const payload = Buffer.from(body, "utf8");
  const { headers } = await signer
    .sign({
      method: "POST",
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers: {
        // The signed Host must be exactly what the server sees, port included.
        host: url.host,
        "content-type": "application/json",
        "content-length": String(payload.length),
      },
      body,
    })
    .catch((err: Error) => {
      throw new Error(`could not sign the push request: ${err.message}`);
    });
  const lib = url.protocol === "https:" ? https : http;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise<PushResponse>((resolve, reject) => {
    const fail = (err: Error) => reject(new Error(`push to ${url.host} failed: ${err.message}`));
    const req = lib.request(url, { method: "POST", headers, timeout: timeoutMs }, (res) => {
      text(res).then((body) => resolve({ status: res.statusCode ?? 0, body }), fail);
    });
    req.on("timeout", () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on("error", fail);
    req.end(payload);
  });
}

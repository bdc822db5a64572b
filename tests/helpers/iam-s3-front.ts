/**
 * An HTTP front for the embedded S3 that answers like S3 would for one IAM
 * role: each request is judged against the role's policy from the
 * synthesized template before it reaches s3rver, and is refused with 403
 * AccessDenied when the role may not make it. A missing key is a 404 only
 * when the role may list it (`s3:ListBucket` with the key as `s3:prefix`),
 * else a 403, as S3 answers. `refuseAll` stands for S3 refusing the
 * function's credentials: a total outage.
 *
 * Only the requests cleanfeed's store sends are modelled (path-style
 * GET/HEAD/PUT/DELETE of an object, ListObjectsV2); any other request is
 * refused and recorded, so a new kind of request shows up in a test.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { isAllowed, type PolicyStatement } from "./iam-policy.ts";

interface Decision {
  method: string;
  action: string;
  key: string;
  allowed: boolean;
}

export interface IamS3Front {
  endpoint: string;
  /** Every request seen, in order. */
  decisions: Decision[];
  refuseAll: boolean;
  close(): Promise<void>;
}

const ACCESS_DENIED =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';

function deny(req: http.IncomingMessage, res: http.ServerResponse) {
  req.resume();
  res.writeHead(403, { "content-type": "application/xml" });
  res.end(req.method === "HEAD" ? undefined : ACCESS_DENIED);
}

/** The S3 action and key (or list prefix) a path-style request asks for; null when not modelled. */
function actionOf(req: http.IncomingMessage, bucket: string) {
  const url = new URL(req.url ?? "/", "http://front");
  const [, first, ...rest] = url.pathname.split("/");
  if (decodeURIComponent(first ?? "") !== bucket) return null;
  const key = rest.map(decodeURIComponent).join("/");
  if (key === "") {
    if (req.method === "GET" && url.searchParams.get("list-type") === "2") {
      return { action: "s3:ListBucket", key: url.searchParams.get("prefix") ?? "" };
    }
    return null;
  }
  // the SDK names the operation in `x-id`; any other parameter is a request not modelled here
  url.searchParams.delete("x-id");
  if (req.headers["x-amz-copy-source"] || url.searchParams.size > 0) return null;
  const action = {
    GET: "s3:GetObject",
    HEAD: "s3:GetObject",
    PUT: "s3:PutObject",
    DELETE: "s3:DeleteObject",
  }[req.method ?? ""];
  return action === undefined ? null : { action, key };
}

export async function startIamS3Front(options: {
  /** The embedded S3's endpoint. */
  target: string;
  bucket: string;
  /** The role's statements, resolved against `arn:aws:s3:::<bucket>`. */
  statements: PolicyStatement[];
}): Promise<IamS3Front> {
  const target = new URL(options.target);
  const bucketArn = `arn:aws:s3:::${options.bucket}`;
  const front: IamS3Front = {
    endpoint: "",
    decisions: [],
    refuseAll: false,
    close: async () => {},
  };
  const may = (action: string, key: string) =>
    !front.refuseAll &&
    (action === "s3:ListBucket"
      ? isAllowed(options.statements, {
          action,
          resource: bucketArn,
          context: { "s3:prefix": key },
        })
      : isAllowed(options.statements, { action, resource: `${bucketArn}/${key}` }));

  const server = http.createServer((req, res) => {
    const asked = actionOf(req, options.bucket);
    const allowed = asked !== null && may(asked.action, asked.key);
    front.decisions.push({
      method: req.method ?? "",
      action: asked?.action ?? `unmodelled ${req.method} ${req.url}`,
      key: asked?.key ?? "",
      allowed,
    });
    if (!allowed || asked === null) {
      deny(req, res);
      return;
    }
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        // S3 tells a missing key only to whoever may list it.
        if (
          answer.statusCode === 404 &&
          asked.action === "s3:GetObject" &&
          !may("s3:ListBucket", asked.key)
        ) {
          answer.resume();
          deny(req, res);
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", (e) => res.destroy(e));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  front.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  front.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return front;
}

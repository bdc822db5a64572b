/**
 * A loopback HTTP proxy in front of the embedded S3 that fails a seeded share
 * of requests the ways S3 and networks do: an error answer (500, 503
 * SlowDown) before the request reaches the store, a connection dropped
 * before it does, and a connection dropped after the store applied it (the
 * response lost). The one place the tests inject faults: S3 itself cannot be
 * made to fail on demand.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { prng } from "../../bench/feed-generator.ts";

export interface FaultProxy {
  endpoint: string;
  /** Share of requests failed (0 turns faults off). */
  rate: number;
  /** Faults injected so far, by kind. */
  injected: Map<string, number>;
  /** Requests answered with an S3 error of the test's choosing, before they reach the store. */
  refuse: ((method: string, path: string) => { status: number; code: string } | null) | null;
  close(): Promise<void>;
}

const S3_ERROR = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>injected</Message></Error>`;

export async function startFaultProxy(
  target: string,
  rate: number,
  seed = 11,
): Promise<FaultProxy> {
  const upstream = new URL(target);
  const rand = prng(seed);
  const injected = new Map<string, number>();
  const count = (kind: string) => injected.set(kind, (injected.get(kind) ?? 0) + 1);
  const proxy: FaultProxy = { endpoint: "", rate, injected, refuse: null, close: async () => {} };
  const server = http.createServer((req, res) => {
    const refused = proxy.refuse?.(req.method ?? "", req.url ?? "");
    if (refused) {
      count(refused.code);
      req.resume();
      res.writeHead(refused.status, { "content-type": "application/xml" });
      res.end(S3_ERROR(refused.code));
      return;
    }
    const roll = rand();
    const fault = roll < proxy.rate ? Math.floor((roll / proxy.rate) * 4) : -1;
    if (fault === 0 || fault === 1) {
      count(fault === 0 ? "500" : "503");
      req.resume();
      res.writeHead(fault === 0 ? 500 : 503, { "content-type": "application/xml" });
      res.end(S3_ERROR(fault === 0 ? "InternalError" : "SlowDown"));
      return;
    }
    if (fault === 2) {
      count("dropped before");
      req.socket.destroy();
      return;
    }
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        if (fault === 3) {
          // the store applied it; the client never learns
          count("response lost");
          answer.resume();
          answer.on("end", () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => req.socket.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return proxy;
}

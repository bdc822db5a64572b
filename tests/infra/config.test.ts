import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../functions/core/errors.ts";
import { staleFeedWindow } from "../../infra/cleanfeed-stack.ts";
import { loadConfig } from "../../infra/load-config.ts";
import { buildApp, testConfig } from "./synth.ts";

const dir = mkdtempSync(join(tmpdir(), "cleanfeed-infra-"));
function file(name: string, body: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof body === "string" ? body : JSON.stringify(body));
  return path;
}

describe("loading the config for cdk", () => {
  it("reads a valid file, relative to the given root, and fills defaults", () => {
    file("ok.json", {
      feed: { id: "urn:uuid:6f1d2c3e-8b4a-4f0e-9a57-3c2d1e0f9b8a", author: { name: "A" } },
      sources: [{ name: "one", url: "https://example.com/a.xml" }],
    });
    const config = loadConfig("ok.json", dir);
    expect(config.pollIntervalMinutes).toBe(15);
    expect(config.deploy.removalPolicy).toBe("retain");
  });

  it("names the bad key", () => {
    const path = file("bad.json", {
      feed: { id: "urn:uuid:6f1d2c3e-8b4a-4f0e-9a57-3c2d1e0f9b8a", author: { name: "A" } },
      deploy: { removalPolicy: "maybe" },
    });
    expect(() => loadConfig(path, dir)).toThrow(/deploy\.removalPolicy/);
  });

  it("names the file when it is missing or not JSON", () => {
    expect(() => loadConfig("missing.json", dir)).toThrow(/missing\.json/);
    const path = file("broken.json", "{ not json");
    expect(() => loadConfig(path, dir)).toThrow(ConfigError);
    expect(() => loadConfig(path, dir)).toThrow(/broken\.json is not valid JSON/);
  });

  it("refuses half a custom domain, and a certificate CloudFront cannot use", () => {
    expect(() => buildApp(testConfig({ deploy: { domainName: "feed.example.org" } }))).toThrow(
      /deploy\.certificateArn/,
    );
    expect(() =>
      buildApp(
        testConfig({
          deploy: {
            domainName: "feed.example.org",
            certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc-123",
          },
        }),
      ),
    ).toThrow(/us-east-1/);
  });

  it("exits non-zero naming the bad key when cdk runs the app on a bad config", () => {
    const path = file("cli-bad.json", {
      feed: { id: "urn:uuid:6f1d2c3e-8b4a-4f0e-9a57-3c2d1e0f9b8a", author: { name: "A" } },
      pollIntervalMinutes: 0,
    });
    let failure: { status: number; stderr: string } | null = null;
    try {
      execFileSync("npx", ["tsx", "infra/app.ts"], {
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ config: path }) },
        stdio: "pipe",
      });
    } catch (e) {
      const err = e as { status: number; stderr: Buffer };
      failure = { status: err.status, stderr: err.stderr.toString() };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr).toMatch(/pollIntervalMinutes/);
  }, 60_000);
});

describe("stale-feed alarm window", () => {
  it("counts whole hours, so one period still filling never decides alone", () => {
    expect(staleFeedWindow(6)).toEqual({ hours: 6, periodHours: 1, periods: 6 });
    expect(staleFeedWindow(49)).toEqual({ hours: 49, periodHours: 1, periods: 49 });
  });

  it("caps at CloudWatch's 7-day evaluation limit", () => {
    expect(staleFeedWindow(720)).toEqual({ hours: 168, periodHours: 1, periods: 168 });
  });
});

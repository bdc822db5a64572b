/**
 * A stand-in for the Lambda Node.js runtime, run as one child process by the
 * Lambda simulation test (tests/integration/lambda-simulation.test.ts). It
 * imports nothing of the project: the parent sends `invoke` messages naming a
 * bundled `index.mjs`, the environment the function's template gives it and
 * an event; the child sets that environment, imports the bundle the first
 * time (its cold start), calls `handler(event, context)` and answers with the
 * result or the error, and what the function wrote to stdout and stderr (its
 * log stream: logs and EMF metrics). The child's own environment is what the runtime provides
 * (region, credentials), set by the parent when it spawns it.
 */
import { pathToFileURL } from "node:url";

const base = { ...process.env };
const handlers = new Map();
let captured = [];

// What a function writes goes to its log stream (here: the reply), as in Lambda.
for (const stream of [process.stdout, process.stderr]) {
  stream.write = (chunk, encoding, callback) => {
    captured.push(String(chunk));
    if (typeof encoding === "function") encoding();
    else if (typeof callback === "function") callback();
    return true;
  };
}

function useEnvironment(env) {
  for (const key of Object.keys(process.env)) if (!(key in base)) delete process.env[key];
  Object.assign(process.env, base, env);
}

async function invoke({ entry, env, event, functionName }) {
  useEnvironment(env);
  let module = handlers.get(entry);
  if (module === undefined) {
    module = await import(pathToFileURL(entry).href);
    handlers.set(entry, module);
  }
  const deadline = Date.now() + 300_000;
  const context = {
    functionName,
    functionVersion: "$LATEST",
    awsRequestId: `sim-${Date.now()}-${Math.random().toString(16).slice(2)}`,
    memoryLimitInMB: "512",
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  return module.handler(event, context);
}

process.on("message", async (message) => {
  captured = [];
  let reply;
  try {
    reply = { id: message.id, ok: true, value: (await invoke(message)) ?? null };
  } catch (e) {
    reply = {
      id: message.id,
      ok: false,
      error: { name: e?.name ?? "Error", message: String(e?.message ?? e), stack: e?.stack ?? "" },
    };
  }
  reply.logs = captured.join("");
  captured = [];
  process.send(reply);
});

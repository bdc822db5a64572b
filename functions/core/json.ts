/**
 * JSON values from outside (a config file, a push body): the object test the
 * JSON readers share, and what the valibot schemas of config.ts and push.ts
 * share to report a bad value by its path.
 */
import * as v from "valibot";

/** A parsed JSON object (not an array, not null): what the JSON readers walk. */
export type JsonObject = Record<string, unknown>;

/** True for a JSON object: `typeof` says "object" for arrays and null too. */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What a message says was given instead: "a string", "an array", "null". */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * A JSON object with only these keys. `notObject` is the message for anything
 * else, arrays included (valibot's own objects accept arrays); `unknownKey`
 * the message for a key not in `entries`, checked before any value (a typo is
 * the likeliest cause of what would follow); a missing required key "is required".
 */
export function jsonObject<const TEntries extends v.ObjectEntries>(
  entries: TEntries,
  notObject: v.ErrorMessage<v.CustomIssue>,
  unknownKey: string,
) {
  return v.pipe(
    v.custom<JsonObject>(isObject, notObject),
    v.rawCheck<JsonObject>(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const input = dataset.value;
      const key = Object.keys(input).find((k) => !Object.hasOwn(entries, k));
      if (key === undefined) return;
      const value = input[key];
      addIssue({
        message: unknownKey,
        path: [{ type: "object", origin: "key", input, key, value }],
      });
    }),
    v.strictObject(entries, "is required"),
  );
}

/** Where an issue is, as a user writes it: `sources[2].url`; "" for the value itself. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  let path = "";
  for (const { key } of issue.path ?? []) {
    if (typeof key === "number") path += `[${key}]`;
    else path += path === "" ? String(key) : `.${String(key)}`;
  }
  return path;
}

/** A parsed JSON object (not an array, not null): what the JSON readers walk. */
export type JsonObject = Record<string, unknown>;

/** True for a JSON object: `typeof` says "object" for arrays and null too. */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

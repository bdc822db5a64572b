/**
 * Just enough of IAM's policy evaluation to ask a synthesized template "may
 * this role do that": Allow and Deny statements, `*` and `?` wildcards in
 * actions and resources, and the condition operators cleanfeed's policies
 * use. Anything else throws, so a policy this cannot judge fails the test
 * instead of passing it.
 */

type Json = Record<string, unknown>;

export interface PolicyStatement {
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface Request {
  action: string;
  /** The ARN acted on. */
  resource: string;
  /** Condition keys and their values in this request (`s3:prefix`...). */
  context?: Record<string, string | boolean>;
}

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

function wildcard(pattern: string, caseInsensitive = false): RegExp {
  const body = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, caseInsensitive ? "is" : "s");
}

function conditionHolds(operator: string, key: string, wanted: unknown, request: Request) {
  const actual = request.context?.[key];
  if (actual === undefined) return false; // no ...IfExists operators here
  const values = list(wanted as unknown);
  switch (operator) {
    case "StringEquals":
      return values.some((v) => String(v) === String(actual));
    case "StringLike":
      return values.some((v) => wildcard(String(v)).test(String(actual)));
    case "Bool":
      return values.some((v) => String(v) === String(actual));
    default:
      throw new Error(`iam-policy: condition operator ${operator} is not modelled`);
  }
}

function applies(statement: PolicyStatement, request: Request): boolean {
  const action = list(statement.Action).some((a) => wildcard(a, true).test(request.action));
  const resource = list(statement.Resource).some((r) => wildcard(r).test(request.resource));
  if (!action || !resource) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, wanted]) => conditionHolds(operator, key, wanted, request)),
  );
}

/** IAM's answer for one identity policy: an explicit Deny wins, then any Allow, else denied. */
export function isAllowed(statements: PolicyStatement[], request: Request): boolean {
  const matching = statements.filter((s) => applies(s, request));
  if (matching.some((s) => s.Effect === "Deny")) return false;
  return matching.some((s) => s.Effect === "Allow");
}

/** Resolves a template's `Ref`, `Fn::GetAtt` (through `lookup`) and `Fn::Join` expressions. */
export function resolveExpression(
  value: unknown,
  lookup: (logicalId: string, attribute: string | null) => string,
): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => resolveExpression(v, lookup));
  const v = value as Json;
  if (typeof v.Ref === "string") return v.Ref === "AWS::Partition" ? "aws" : lookup(v.Ref, null);
  if (Array.isArray(v["Fn::GetAtt"])) {
    const [id, attribute] = v["Fn::GetAtt"] as [string, string];
    return lookup(id, attribute);
  }
  if (Array.isArray(v["Fn::Join"])) {
    const [sep, parts] = v["Fn::Join"] as [string, unknown[]];
    return parts.map((p) => String(resolveExpression(p, lookup))).join(sep);
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveExpression(x, lookup)]));
}

/**
 * A policy document's statements with its CloudFormation expressions
 * resolved (see `resolveExpression`); `lookup` throws for what it does not know.
 */
export function resolveStatements(
  document: Json,
  lookup: (logicalId: string, attribute: string | null) => string,
): PolicyStatement[] {
  return list(document.Statement as Json[]).map(
    (s) => resolveExpression(s, lookup) as PolicyStatement,
  );
}

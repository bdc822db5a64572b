/**
 * Typed errors of the pure core. Each names the source it concerns, so that a
 * user reading a log or the `cleanfeed sources` table knows which feed failed.
 */

/** Base class: something about one source's input was wrong. */
export class FeedError extends Error {
  override name = "FeedError";
  constructor(
    /** The source's name (config name, file name or URL). */
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
  }
}

/** The document is not a feed we can read (malformed XML, unknown format). */
export class FeedParseError extends FeedError {
  override name = "FeedParseError";
}

/** The document exceeds a configured limit; nothing of it was stored. */
export class FeedLimitError extends FeedError {
  override name = "FeedLimitError";
  constructor(
    source: string,
    /** Which limit: `bytes`, `items`, `depth`, `entities`. */
    readonly limit: string,
    /** The configured maximum. */
    readonly max: number,
    detail?: string,
  ) {
    super(source, `exceeds the ${limit} limit of ${max}${detail ? ` (${detail})` : ""}`);
  }
}

/** A pushed item failed validation; `field` names the offending field. */
export class ItemValidationError extends Error {
  override name = "ItemValidationError";
  constructor(
    readonly field: string,
    message: string,
    /** Position of the item in its batch, counted from 1, when it came in one. */
    readonly index: number | null = null,
  ) {
    super(`${index === null ? "" : `item ${index}: `}${field}: ${message}`);
  }
}

/** The configuration file is invalid; `key` is the dotted path of the bad key. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`config ${key}: ${message}`);
  }
}

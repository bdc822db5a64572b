// s3rver ships no types; this is the part of its surface cleanfeed uses.
// s3rver 3.7.1 is pinned exactly: atomic-store.ts extends its filesystem store
// and throws its S3Error, both reached by path (the package has no exports map).
declare module "s3rver" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  interface S3rverOptions {
    directory: string;
    silent?: boolean;
    allowMismatchedSignatures?: boolean;
    configureBuckets?: { name: string; configs: string[] }[];
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    /** The filesystem store every route reads and writes through (also `context.store`). */
    store: unknown;
    context: { store: unknown };
    configureBuckets(): Promise<void>;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}

declare module "s3rver/lib/stores/filesystem.js" {
  import type { Readable } from "node:stream";

  /** An S3Object as the routes hand it to the store (content is the request or a Buffer). */
  export interface StoreObject {
    bucket: string;
    key: string;
    content: Readable | Buffer | null;
    metadata: Record<string, string>;
  }
  export type StoredMetadata = Record<string, string | number>;
  export default class FilesystemStore {
    constructor(rootDirectory: string);
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    getMetadata(bucket: string, key: string): Promise<StoredMetadata>;
    getObject(bucket: string, key: string): Promise<StoreObject | null>;
    putObject(object: StoreObject): Promise<{ size: number; md5: string }>;
    copyObject(
      srcBucket: string,
      srcKey: string,
      destBucket: string,
      destKey: string,
      replacementMetadata?: Record<string, string>,
    ): Promise<StoredMetadata>;
    deleteObject(bucket: string, key: string): Promise<void>;
  }
}

declare module "s3rver/lib/models/error.js" {
  export default class S3Error extends Error {
    constructor(code: string, message: string, detail?: Record<string, string>);
    code: string;
    /** The HTTP status the route answers with; set after construction for codes s3rver does not know. */
    status: number;
  }
}

declare module "s3rver/lib/models/object.js" {
  const S3Object: {
    /** The request headers s3rver keeps as an object's metadata (besides x-amz-meta-*). */
    ALLOWED_METADATA: string[];
  };
  export default S3Object;
}

/**
 * The one way cleanfeed builds its S3 client: the same code talks to AWS in
 * Lambda and to the embedded server locally (endpoint override, path-style).
 */
import { S3Client } from "@aws-sdk/client-s3";

export interface S3Location {
  bucket: string;
  /** Override for S3-compatible servers (the embedded one, MinIO…). */
  endpoint?: string | null;
  region?: string;
  /** The embedded server takes any credentials; real S3 gets the default chain. */
  embedded?: boolean;
}

/**
 * Retries are the store's (objects.ts: per request, bounded, with the 412 of
 * a lost response told apart), so the SDK sends each request once; and no
 * request waits forever on a connection that went silent.
 */
const TRANSPORT = {
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
} as const;

export function createS3Client(location: S3Location): S3Client {
  if (!location.endpoint) {
    return new S3Client({ ...TRANSPORT, ...(location.region ? { region: location.region } : {}) });
  }
  return new S3Client({
    ...TRANSPORT,
    endpoint: location.endpoint,
    forcePathStyle: true,
    region: location.region ?? "us-east-1",
    // Any credentials do for the embedded server; never send it the user's real ones.
    ...(location.embedded
      ? { credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } }
      : {}),
    // s3rver (and some other S3-compatible servers) predate flexible checksums.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

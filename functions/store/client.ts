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
}

export function createS3Client(location: S3Location): S3Client {
  if (!location.endpoint) return new S3Client(location.region ? { region: location.region } : {});
  return new S3Client({
    endpoint: location.endpoint,
    forcePathStyle: true,
    region: location.region ?? "us-east-1",
    // Any credentials do for a local server; never the user's real ones.
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    // s3rver predates flexible checksums and would store aws-chunked framing.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

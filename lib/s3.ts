// One place that turns an endpoint + credentials into an S3 client, so every caller (workers, CLI,
// tests, the embedded stack) talks to SeaweedFS, MinIO or any other S3 the same way.
import * as Minio from 'minio';

export interface S3Endpoint {
  endPoint: string;
  port: number;
  useSSL: boolean;
  region: string;
}

export interface S3Credentials {
  accessKey: string;
  secretKey: string;
}

export const DEFAULT_S3_REGION = 'us-east-1';

/**
 * Parses `S3_ENDPOINT`-style URLs: `http://host:port` or `https://host[:port]`. A path other than `/`,
 * credentials in the URL, a query or a fragment are refused rather than silently dropped.
 */
export function parseS3Endpoint(url: string, region: string = process.env.S3_REGION ?? DEFAULT_S3_REGION): S3Endpoint {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new Error(`S3 endpoint is not a URL: ${JSON.stringify(url)} (expected http://host:port)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`S3 endpoint must use http or https, got ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password) throw new Error('S3 endpoint must not carry credentials; use S3_ACCESS_KEY / S3_SECRET_KEY');
  if ((parsed.pathname !== '' && parsed.pathname !== '/') || parsed.search || parsed.hash) {
    throw new Error(`S3 endpoint must be scheme://host[:port] only, got ${JSON.stringify(url)}`);
  }
  const useSSL = parsed.protocol === 'https:';
  const port = parsed.port ? Number(parsed.port) : useSSL ? 443 : 80;
  // URL keeps IPv6 literals bracketed; the minio client wants them bare.
  const endPoint = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!endPoint) throw new Error(`S3 endpoint has no host: ${JSON.stringify(url)}`);
  return { endPoint, port, useSSL, region: region || DEFAULT_S3_REGION };
}

/** The endpoint back as a URL, for logs and for handing to child processes through S3_ENDPOINT. */
export function formatS3Endpoint(endpoint: S3Endpoint): string {
  const host = endpoint.endPoint.includes(':') ? `[${endpoint.endPoint}]` : endpoint.endPoint;
  return `${endpoint.useSSL ? 'https' : 'http'}://${host}:${endpoint.port}`;
}

export function makeS3Client(endpoint: S3Endpoint, creds: S3Credentials): Minio.Client {
  return new Minio.Client({
    endPoint: endpoint.endPoint,
    port: endpoint.port,
    useSSL: endpoint.useSSL,
    region: endpoint.region,
    accessKey: creds.accessKey,
    secretKey: creds.secretKey,
    // Path-style works on every S3 we target (SeaweedFS, MinIO) without wildcard DNS.
    pathStyle: true,
  });
}

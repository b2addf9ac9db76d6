// Streaming a recording from the private bucket to an authenticated reviewer's player, honouring one
// HTTP Range (bytes=a-b, a-, -n) so the player can seek without downloading the whole file.
import type * as http from 'node:http';
import type * as Minio from 'minio';
import { pipeline } from 'node:stream/promises';
import type { InspectionRow } from '../catalogue/types';

const TYPES: Record<string, string> = { mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', mkv: 'video/x-matroska', flv: 'video/x-flv' };

/** The byte range asked for, clamped to the object; null for a whole-object request; 'invalid' when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const m = header.match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}

export async function streamRecording(s3: Minio.Client, row: InspectionRow, req: http.IncomingMessage, res: http.ServerResponse, headers: Record<string, string>): Promise<void> {
  const opts = row.versionId ? { versionId: row.versionId } : {};
  const stat = await s3.statObject(row.bucket, row.objectKey, opts);
  const size = stat.size;
  const type = TYPES[row.objectKey.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
  const base = { ...headers, 'Content-Type': type, 'Accept-Ranges': 'bytes', 'Cache-Control': 'private, no-store' };
  const range = parseRange(req.headers.range, size);
  if (range === 'invalid') {
    res.writeHead(416, { ...base, 'Content-Range': `bytes */${size}` });
    res.end();
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  res.writeHead(range ? 206 : 200, { ...base, 'Content-Length': String(end - start + 1), ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}) });
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  const body = await s3.getPartialObject(row.bucket, row.objectKey, start, end - start + 1, opts);
  // A player abandons ranges all the time; a closed response is not an error.
  await pipeline(body, res).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  });
}

// What activities need from the process that hosts them: one S3 client with the worker's (read-only on
// recordings) credentials, bucket names, a scratch folder, a logger and version facts.
import type * as Minio from 'minio';
import type { Logger } from '../lib/logger';
import type { LoadedRulebook } from '../rules/load';
import type { LoadedOverlay } from '../rules/overlays';
import type { DocumentAnalyser, FaceAnalyser } from '../evidence/assemble-media';

export interface ActivityDeps {
  s3: Minio.Client;
  buckets: { recordings: string; analyses: string; reports: string };
  /** Local scratch space for media copies; emptied after each analysis. */
  workDir: string;
  logger: Logger;
  loadRulebook: (ref?: string) => LoadedRulebook;
  /** Candidate versions of a rulebook id (their policy-number lookups run with every speech analysis). */
  candidateRulebooks?: (id: string) => LoadedRulebook[];
  loadOverlays: () => LoadedOverlay[];
  versions: { dualqa: string; ffmpeg: string };
  /** One discovery sweep (intake's, which starts workflows through a client); absent on a worker without a Temporal address. */
  discover?: (input: import('./discovery-io').DiscoverInput, progress: (started: number) => void) => Promise<import('./discovery-io').DiscoverResult>;
  /** Loads the face detector once per process; absent or throwing: face checks say why they could not run. */
  faceAnalyser?: () => Promise<FaceAnalyser>;
  /** Loads the OCR engine once per process; absent or throwing: document checks say why they could not run. */
  documentAnalyser?: () => Promise<DocumentAnalyser>;
  /** Starts the speech engine once per process; absent or throwing: speech checks say why they could not run. */
  speechEngine?: () => Promise<import('../speech/engine').SpeechEngine>;
}

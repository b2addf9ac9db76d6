// Media analysis: copy the pinned recording version to local scratch (hash-checked), run the one decode
// that feeds every detector, store the evidence. Unreadable media is a finding, stored, then reported to
// the workflow as a non-retryable failure so no retry loop starts on a file that will never decode.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { heartbeater } from '../lib/heartbeat';
import { downloadWithSha256, putJson } from '../lib/object-store';
import { analyseMediaFile, type DocumentAnalyser, type EnrolledFace, type FaceAnalyser } from '../evidence/assemble-media';
import { DEFAULT_DOCUMENT_PASS_CONFIG, type DocumentPassConfig } from '../media/documents/pass';
import { enrolPhoto } from '../media/faces/enrol';
import { getJson, isNotFound } from '../lib/object-store';
import { encodeJpeg } from '../media/ffmpeg';
import type { DocumentsEvidence, FacesEvidence, IngestEvidence } from '../evidence/types';
import { sidecarSchema } from '../lib/labelled';
import type { ActivityDeps } from './deps';
import { ERROR_TYPES } from '../temporal.config';
import { keywordTableFor } from './document-keywords';
import { documentFrameKey, evidenceKey, facesFrameKey, profileKey } from '../evidence/layout';
import { processCpuMs, stage, stageTimer, withProfile } from '../lib/profile';
import { putProfile } from './profile-io';

export interface AnalyseMediaInput {
  recordingId: string;
  bucket: string;
  key: string;
  versionId: string | null;
  sha256: string;
  agentPhotoKey?: string;
  /** `id` or `id@version` of the rulebook the inspection is judged by (the default one when absent): it names the document keyword table. */
  rulebook?: string;
}

export interface AnalyseMediaResult {
  integrityKey: string;
  documentsKey?: string;
  documentsFailure?: string;
  facesKey?: string;
  /** Why the face analysis did not run (e.g. the model file is missing), for the report. */
  facesFailure?: string;
  readable: boolean;
  durationS: number | null;
  defectTypes: string[];
}

export interface BadMediaDetails {
  integrityKey: string;
  problem: string;
}

export function createMediaActivities(deps: ActivityDeps) {
  /** Reads the enrolled photo and prepares identity matching; a bad photo is reported, not fatal. */
  async function enrolAgent(photoKey: string, faces: FaceAnalyser, dir: string): Promise<Pick<FaceAnalyser, 'embedder' | 'enrolled'>> {
    if (!faces.embedder) return {};
    const file = path.join(dir, 'agent-photo');
    let enrolled: EnrolledFace;
    try {
      await deps.s3.fGetObject(deps.buckets.recordings, photoKey, file);
      const e = await enrolPhoto(file, faces.detector, faces.embedder);
      enrolled = { role: 'agent', key: photoKey, feature: e.feature, ...(e.problem ? { problem: e.problem } : {}) };
    } catch (err) {
      if (!isNotFound(err)) throw err;
      enrolled = { role: 'agent', key: photoKey, feature: null, problem: `the enrolled photo ${photoKey} does not exist in ${deps.buckets.recordings}` };
    }
    return { embedder: faces.embedder, enrolled: [enrolled] };
  }

  /** What the sidecar says about the agent, read here (from the sidecar itself: evidence keeps numbers masked) so no personal number passes through workflow history. */
  async function documentConfig(recordingId: string, bucket: string, rulebook: string | undefined): Promise<DocumentPassConfig> {
    // The keyword table is the rulebook's choice; a missing or broken table stops the documents analysis (the report says why).
    const keywords = keywordTableFor(deps.loadRulebook(rulebook).book).table;
    const ingest = await getJson<IngestEvidence>(deps.s3, deps.buckets.analyses, evidenceKey(recordingId, 'ingest'));
    const raw = ingest?.sidecar.status === 'ok' ? await getJson<unknown>(deps.s3, bucket, ingest.sidecar.key).catch(() => null) : null;
    const parsed = sidecarSchema.safeParse(raw);
    const agent = parsed.success ? parsed.data.agent : undefined;
    return {
      ...DEFAULT_DOCUMENT_PASS_CONFIG,
      keywords,
      ...(process.env.DUALQA_HASH_KEY ? { hashKey: process.env.DUALQA_HASH_KEY } : {}),
      ...(agent?.name || agent?.licenceNo ? { expected: { ...(agent.name ? { agentName: agent.name } : {}), ...(agent.licenceNo ? { licenceNo: agent.licenceNo } : {}) } } : {}),
    };
  }

  return {
    async analyseMedia(input: AnalyseMediaInput): Promise<AnalyseMediaResult> {
      const t0 = performance.now();
      const cpu0 = processCpuMs();
      const { value, profile } = await withProfile(() => analyseMedia(input));
      await putProfile(deps, profileKey(input.recordingId, 'media'), { half: 'media', recordingId: input.recordingId, durationS: value.durationS, t0, cpu0, profile });
      return value;
    },
  };

  async function analyseMedia(input: AnalyseMediaInput): Promise<AnalyseMediaResult> {
    const beat = heartbeater();
    const dir = path.join(deps.workDir, input.recordingId);
    const ext = (path.extname(input.key).toLowerCase().match(/^\.[a-z0-9]{1,5}$/) ?? [''])[0];
    const file = path.join(dir, `original${ext}`);
    try {
      const copy = await stage('download', () => downloadWithSha256(deps.s3, input, file, (bytes) => beat({ stage: 'download', bytes }), beat.signal));
      if (copy.sha256 !== input.sha256) {
        throw ApplicationFailure.nonRetryable(`recording content changed after ingest (sha256 ${copy.sha256} ≠ ${input.sha256})`, ERROR_TYPES.badInput);
      }
      const endModels = stageTimer('models and sidecar');
      let faces: FaceAnalyser | undefined;
      let facesFailure: string | undefined;
      if (deps.faceAnalyser) {
        try {
          faces = await deps.faceAnalyser();
        } catch (err) {
          // A missing or corrupt model stops the face checks, not the inspection: the report names it.
          facesFailure = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
          deps.logger.error({ recordingId: input.recordingId, err: facesFailure }, 'face model unavailable');
        }
      } else {
        facesFailure = 'no face detector configured on this worker';
      }
      if (faces && input.agentPhotoKey) faces = { ...faces, ...(await enrolAgent(input.agentPhotoKey, faces, dir)) };
      let documents: DocumentAnalyser | undefined;
      let documentsFailure: string | undefined;
      if (deps.documentAnalyser) {
        try {
          documents = { ...(await deps.documentAnalyser()), config: await documentConfig(input.recordingId, input.bucket, input.rulebook) };
        } catch (err) {
          documentsFailure = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
          deps.logger.error({ recordingId: input.recordingId, err: documentsFailure }, 'documents analysis unavailable (OCR model or keyword table)');
        }
      } else {
        documentsFailure = 'no OCR engine configured on this worker';
      }
      endModels();
      const analysis = await analyseMediaFile(file, {
        recordingId: input.recordingId,
        signal: beat.signal,
        onProgress: (stage, decodedS) => beat({ stage, decodedS }),
        faces,
        documents,
      });
      const evidence = analysis.integrity;
      const endUploads = stageTimer('uploads (evidence, thumbnails)');
      const integrityKey = evidenceKey(input.recordingId, 'integrity');
      await putJson(deps.s3, deps.buckets.analyses, integrityKey, evidence);
      let facesKey: string | undefined;
      if (analysis.faces) {
        const thumbnails: FacesEvidence['thumbnails'] = [];
        for (const snap of analysis.snapshots) {
          const key = facesFrameKey(input.recordingId, snap.t);
          const jpeg = await encodeJpeg(snap.rgb, snap.width, snap.height);
          await deps.s3.putObject(deps.buckets.analyses, key, jpeg, jpeg.length, { 'Content-Type': 'image/jpeg' });
          thumbnails.push({ at: snap.t, key, why: snap.why });
        }
        facesKey = evidenceKey(input.recordingId, 'faces');
        await putJson(deps.s3, deps.buckets.analyses, facesKey, { ...analysis.faces, thumbnails });
      }
      let documentsKey: string | undefined;
      if (analysis.documents) {
        const thumbnails: DocumentsEvidence['thumbnails'] = [];
        for (const snap of analysis.documentSnapshots.slice(0, 12)) {
          const key = documentFrameKey(input.recordingId, snap.showingId, snap.t);
          const jpeg = await encodeJpeg(snap.rgb, snap.width, snap.height, 480);
          await deps.s3.putObject(deps.buckets.analyses, key, jpeg, jpeg.length, { 'Content-Type': 'image/jpeg' });
          thumbnails.push({ at: snap.t, key, why: snap.why, showingId: snap.showingId });
        }
        documentsKey = evidenceKey(input.recordingId, 'documents');
        await putJson(deps.s3, deps.buckets.analyses, documentsKey, { ...analysis.documents, thumbnails });
      }
      endUploads();
      deps.logger.info({ recordingId: input.recordingId, readable: evidence.readable, defects: evidence.defects.length, faces: Boolean(facesKey), documents: Boolean(documentsKey) }, 'media analysed');
      if (!evidence.readable) {
        const details: BadMediaDetails = { integrityKey, problem: evidence.problem?.message ?? 'unreadable' };
        throw ApplicationFailure.create({ message: details.problem, type: ERROR_TYPES.badMedia, nonRetryable: true, details: [details] });
      }
      return {
        integrityKey,
        ...(facesKey ? { facesKey } : {}),
        ...(facesFailure && evidence.media?.video ? { facesFailure } : {}),
        ...(documentsKey ? { documentsKey } : {}),
        ...(documentsFailure && evidence.media?.video ? { documentsFailure } : {}),
        readable: evidence.readable,
        durationS: evidence.media?.durationS ?? null,
        defectTypes: [...new Set(evidence.defects.map((d) => d.type))],
      };
    } catch (err) {
      // The watchdog stopped a scan that made no progress: the same file would hang it again.
      const stalled = beat.stalled();
      if (stalled) throw ApplicationFailure.nonRetryable(`the media analysis stalled: ${stalled}`, ERROR_TYPES.stalled);
      throw err;
    } finally {
      beat.stop();
      // The scratch copy is ours; the original stays untouched in the recordings bucket.
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
}

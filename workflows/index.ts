// Every workflow the workers register. Keep this file a list of re-exports.
export { inspectRecording } from './inspect-recording';
export { rejudgeRecordings } from './rejudge';
export { reanalyseRecordings } from './reanalyse';
export { discoverRecordings } from './discover';
export { reviewRecording } from './review-recording';

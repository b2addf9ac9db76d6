// The embedded stack: a Temporal dev server, a SeaweedFS S3 server and a PostgreSQL server (the catalogue)
// on loopback, with per-data-dir credentials, used by the CLI, the demo, tests and workers. Each part can
// be replaced by an external service through TEMPORAL_ADDRESS / S3_ENDPOINT / DUALQA_DATABASE_URL.
//
// Code outside stack/ gets the stack's operations from here, so the files behind them can be rearranged
// without touching it; each file's header says what that file is for.
export type { BucketNames, Creds, StackCredentials } from './identities';
export type { BucketSetupResult } from './buckets';
export type { RunningSeaweed, SeaweedPorts } from './seaweed';
export type { RunningTemporal } from './temporal';
export { ensureTools, type Tools } from './tools';
export { ensureBuckets } from './buckets';

export type { StackInfo } from './endpoints';
export { readStackState, type StackState } from './state';
export type { StartStackOptions } from './start';
export { startDatabase, startStack, type StackHandle } from './attached';
export type { RunningPostgres } from './postgres';
export { redactDatabaseUrl } from './endpoints';
export { startDetachedStack, stopDetachedStack, type DetachedStack } from './detached';
export { stackStatus, type PartStatus, type StackStatus } from './status';
export { resolveStack, type ResolveStackOptions } from './resolve';

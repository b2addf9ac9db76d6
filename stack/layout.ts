// Where a stack keeps its files, in one place so that starting, probing, stopping and reaping agree on
// the names, and several named stacks can share one data dir.
//
// Files under <dataDir>:
//   credentials.json          S3 keys of admin / worker / uploader (0600; the only place secrets live)
//   temporal/<name>.db        Temporal's SQLite store
//   s3/<name>/                SeaweedFS data; s3/<name>.identities.json its -s3.config (0600)
//   postgres/<name>/          the PostgreSQL cluster (owned by the server user); database.json its password (0600)
//   logs/*.log                server output
//   run/<name>.ports.json     ports used last time (reused when free, so endpoints stay stable)
//   run/<name>.owner.json     which process owns attached servers (orphans of a killed owner are reaped)
//   stack.json                the detached stack of `stack up` (pids, ports; no secrets)
import * as path from 'node:path';

import { dataDir as defaultDataDir } from '../lib/config';

export interface StackPaths {
  dataDir: string;
  name: string;
  dbFile: string;
  s3Dir: string;
  identitiesFile: string;
  pgDir: string;
  temporalLog: string;
  s3Log: string;
  pgLog: string;
  portsFile: string;
  ownerFile: string;
  stateFile: string;
}

/** The files of stack `name` (default "default") in `dataDir` (default dataDir(): DUALQA_DATA_DIR or <project>/.data). */
export function stackPaths(dataDirArg: string | undefined, nameArg: string | undefined): StackPaths {
  const dataDir = path.resolve(dataDirArg ?? defaultDataDir());
  const name = nameArg ?? 'default';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name)) throw new Error(`stack name must be letters, digits, - and _: ${JSON.stringify(name)}`);
  const logPrefix = name === 'default' ? '' : `${name}-`;
  return {
    dataDir,
    name,
    dbFile: path.join(dataDir, 'temporal', `${name}.db`),
    s3Dir: path.join(dataDir, 's3', name),
    identitiesFile: path.join(dataDir, 's3', `${name}.identities.json`),
    pgDir: path.join(dataDir, 'postgres', name),
    temporalLog: path.join(dataDir, 'logs', `${logPrefix}temporal.log`),
    pgLog: path.join(dataDir, 'logs', `${logPrefix}postgresql.log`),
    s3Log: path.join(dataDir, 'logs', `${logPrefix}seaweedfs.log`),
    portsFile: path.join(dataDir, 'run', `${name}.ports.json`),
    ownerFile: path.join(dataDir, 'run', `${name}.owner.json`),
    stateFile: path.join(dataDir, 'stack.json'),
  };
}

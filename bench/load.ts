/** Drives one server with autocannon for a bounded time and reduces the result to what the report shows. */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import autocannon from 'autocannon';

export interface RequestSpec {
  path: string;
  body: string;
  token?: string;
}

/** A JSON POST's headers, signed in as `token`'s holder when there is one. */
export function jsonHeaders(token?: string): Record<string, string> {
  return { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

/** Sends one prepared request once; the response's status and text. */
export async function sendOnce(url: string, spec: RequestSpec): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}${spec.path}`, {
    method: 'POST',
    headers: jsonHeaders(spec.token),
    body: spec.body,
  });
  return { status: res.status, text: await res.text() };
}

export interface LoadResult {
  connections: number;
  seconds: number;
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Responses that carried GraphQL errors (or, for writes, did not reach the expected state). */
  failed: number;
  /** Share of all cores that unrelated processes used during the run (null when unknown). */
  otherCpu?: number | null;
  /** CPU time (user + system) the server process spent per request, in ms. */
  serverCpuMsPerRequest?: number | null;
  /** CPU time all PostgreSQL processes spent per request, in ms. */
  databaseCpuMsPerRequest?: number | null;
  /** The first failed response body (shortened), to say why. */
  failureSample?: string;
}

/** One request rotated through a list of prepared bodies (each connection takes the next one). */
export function rotating(specs: RequestSpec[]): autocannon.Request[] {
  let next = 0;
  return [
    {
      method: 'POST',
      setupRequest: (req: any) => {
        const spec = specs[next++ % specs.length];
        return {
          ...req,
          path: spec.path,
          body: spec.body,
          headers: jsonHeaders(spec.token),
        };
      },
    },
  ];
}

export async function runLoad(options: {
  url: string;
  connections: number;
  seconds: number;
  requests: autocannon.Request[];
  /** Counts a response as failed (cheap string checks: the client shares the CPU with the servers). */
  isFailure?: (body: string) => boolean;
}): Promise<LoadResult> {
  let failed = 0;
  let failureSample: string | undefined;
  const isFailure = options.isFailure ?? ((body: string) => body.includes('"errors"'));
  const requests = options.requests.map((r) =>
    r.onResponse
      ? r
      : {
          ...r,
          onResponse: (status: number, body: string) => {
            if (status === 200 && isFailure(body)) {
              failed++;
              failureSample ??= body.slice(0, 300);
            }
          },
        },
  );
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    pipelining: 1,
    timeout: 20,
    requests,
  });
  return {
    connections: options.connections,
    seconds: options.seconds,
    requests: result.requests.total,
    reqPerSec: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    failed,
    failureSample,
  };
}

/** Resident set size of a process, in MiB (Linux /proc). */
export function rssMiB(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * CPU ticks (1/100 s) used so far by each process: user + system time, from /proc. `reaped` is
 * the time of its children that have ended and been waited for: PostgreSQL's parallel workers
 * and closed connections' backends live on there, in the postmaster's figures.
 */
function ticksByProcess(): Map<number, { ppid: number; ticks: number; reaped: number }> {
  const procs = new Map<number, { ppid: number; ticks: number; reaped: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(entry), {
        ppid: Number(rest[1]),
        ticks: Number(rest[11]) + Number(rest[12]),
        reaped: Number(rest[13]) + Number(rest[14]),
      });
    } catch {
      // the process ended while we looked
    }
  }
  return procs;
}

/**
 * CPU time a process (`tree: false`) or a process and its descendants spent between begin() and
 * end(), in ms. Per request it is steadier than throughput on a shared machine: it does not move
 * when another tenant takes a core.
 */
export class CpuTime {
  private start: Map<number, number> | null = null;
  constructor(
    private readonly pid: () => number,
    private readonly tree: boolean,
  ) {}

  /** Ticks per process of the tree now. */
  private read(): Map<number, number> | null {
    try {
      const root = this.pid();
      if (root <= 0) return null;
      const procs = ticksByProcess();
      const ticks = new Map<number, number>();
      for (const [pid, info] of procs) {
        if (!this.tree && pid !== root) continue;
        for (let p = pid, depth = 0; p > 1 && depth < 20; p = procs.get(p)?.ppid ?? 0, depth++) {
          if (p === root) {
            ticks.set(pid, info.ticks + (this.tree ? info.reaped : 0));
            break;
          }
        }
      }
      return ticks;
    } catch {
      return null;
    }
  }

  begin(): void {
    this.start = this.read();
  }

  /**
   * Ms of CPU since begin(). With `tree`, a descendant that ended in between (a PostgreSQL
   * parallel worker, a closed connection's backend) counts through its parent's reaped time.
   */
  end(): number | null {
    const now = this.read();
    if (!this.start || !now) return null;
    // Totals, not per-process differences: a process alive at begin() that ended since then moves
    // its whole time into its parent's reaped figure, so its share at begin() must come off too.
    const total = (ticks: Map<number, number>) => [...ticks.values()].reduce((a, b) => a + b, 0);
    return (total(now) - total(this.start)) * 10; // USER_HZ is 100 on Linux
  }
}

/** Samples a process's RSS while work runs; returns the peak. */
export class RssSampler {
  peak = 0;
  private timer?: NodeJS.Timeout;
  constructor(private readonly pid: number) {}
  start(): this {
    this.peak = Math.max(this.peak, rssMiB(this.pid) ?? 0);
    this.timer = setInterval(() => (this.peak = Math.max(this.peak, rssMiB(this.pid) ?? 0)), 200);
    this.timer.unref();
    return this;
  }
  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, rssMiB(this.pid) ?? 0);
    return this.peak;
  }
}

/**
 * How much of the machine other processes used while a run was measured (other tests, builds):
 * busy time from /proc/stat minus the CPU time of our own process trees (this process with the
 * load generator, the server under test, PostgreSQL). A share of all cores, 0–1.
 */
export class CpuNoise {
  private start?: { busy: number; ours: number; at: number };
  constructor(private readonly roots: () => number[]) {}

  private snapshot() {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user, nice, system: time charged to processes. Interrupt and softirq time (the loopback traffic of
    // the benchmark itself) and steal (the hypervisor) cannot be attributed, so they are left out.
    const busy = fields[0] + fields[1] + fields[2];
    const procs = ticksByProcess();
    const roots = new Set(this.roots());
    const inTree = (pid: number): boolean => {
      for (let p = pid, depth = 0; p > 1 && depth < 20; p = procs.get(p)?.ppid ?? 0, depth++)
        if (roots.has(p)) return true;
      return false;
    };
    let ours = 0;
    for (const [pid, info] of procs) if (inTree(pid)) ours += info.ticks + info.reaped;
    return { busy, ours, at: Date.now() };
  }

  begin(): void {
    try {
      this.start = this.snapshot();
    } catch {
      this.start = undefined;
    }
  }

  /** Share of all cores used by other processes since begin(), or null where /proc is unavailable. */
  end(): number | null {
    if (!this.start) return null;
    const now = this.snapshot();
    const capacity = ((now.at - this.start.at) / 1000) * 100 * cpus().length; // USER_HZ is 100 on Linux
    const other = now.busy - this.start.busy - (now.ours - this.start.ours);
    return Math.max(0, Math.min(1, other / capacity));
  }
}

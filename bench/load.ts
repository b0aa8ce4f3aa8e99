/** Drives one server with autocannon for a bounded time and reduces the result to what the report shows. */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface RequestSpec {
  path: string;
  body: string;
  token?: string;
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
          headers: {
            'content-type': 'application/json',
            ...(spec.token ? { authorization: `Bearer ${spec.token}` } : {}),
          },
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
  const isFailure = options.isFailure ?? ((body: string) => body.includes('"errors"'));
  const requests = options.requests.map((r) =>
    r.onResponse
      ? r
      : {
          ...r,
          onResponse: (status: number, body: string) => {
            if (status === 200 && isFailure(body)) failed++;
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

/**
 * CPU time of the test network's processes, from /proc/<pid>/stat (utime + stime, in clock
 * ticks of 1/100 s on Linux), for the pids the network scripts record in `<run dir>/pids/*.pid` (`<pid> <command>`).
 * Sampled before and after a load run; the difference divided by the committed transactions is
 * the CPU cost per transaction of each kind of process (orderer, peer, chaincode server).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Linux USER_HZ: the unit of utime and stime in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Kinds of network process. */
export type ProcessKind = 'orderer' | 'peer' | 'chaincode';

/** One sampled process. */
export interface ProcessCpu {
  /** The pid file's name without `.pid`, e.g. `orderer0`, `lv1a-peer0`, `hv1-carbon-slave`. */
  readonly name: string;
  readonly kind: ProcessKind;
  readonly pid: number;
  /** utime + stime, s (NaN when the process is gone). */
  readonly cpuSeconds: number;
}

function kindOf(name: string): ProcessKind {
  if (name.startsWith('orderer')) return 'orderer';
  if (name.endsWith('-peer0')) return 'peer';
  return 'chaincode';
}

/** utime + stime of `pid`, s; NaN when it cannot be read. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which is in parentheses and may hold spaces)
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** CPU time of every process with a pid file in `<networkDir>/pids`. */
export function sampleNetworkCpu(networkDir: string): ProcessCpu[] {
  const dir = join(networkDir, 'pids');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pid'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.pid'.length);
      const pid = Number(readFileSync(join(dir, f), 'utf8').trim().split(/\s+/)[0]);
      return { name, kind: kindOf(name), pid, cpuSeconds: cpuSecondsOf(pid) };
    });
}

/** CPU seconds per kind between two samples (processes present in both), plus per process. */
export interface CpuDelta {
  readonly byKind: Readonly<Record<ProcessKind, number>>;
  readonly byProcess: Readonly<Record<string, number>>;
}

/** The CPU used between `before` and `after`. */
export function cpuDelta(before: readonly ProcessCpu[], after: readonly ProcessCpu[]): CpuDelta {
  const byKind: Record<ProcessKind, number> = { orderer: 0, peer: 0, chaincode: 0 };
  const byProcess: Record<string, number> = {};
  for (const a of after) {
    const b = before.find((p) => p.name === a.name && p.pid === a.pid);
    if (b === undefined || !Number.isFinite(a.cpuSeconds) || !Number.isFinite(b.cpuSeconds)) continue;
    const used = a.cpuSeconds - b.cpuSeconds;
    byKind[a.kind] += used;
    byProcess[a.name] = used;
  }
  return { byKind, byProcess };
}

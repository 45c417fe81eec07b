/** The machine a benchmark ran on, for the header of docs/benchmarks.md. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';

/** Machine facts. */
export interface MachineInfo {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memoryGib: number;
  readonly kernel: string;
  readonly node: string;
  readonly python: string;
  readonly date: string;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** Collects the machine facts; `python` is the interpreter the Python side ran with. */
export function machineInfo(python: string | undefined): MachineInfo {
  let pythonVersion = 'not used';
  if (python !== undefined) {
    try {
      pythonVersion = execFileSync(python, ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      pythonVersion = 'unavailable';
    }
  }
  return {
    nproc: os.availableParallelism(),
    cpuModel: cpuModel(),
    memoryGib: os.totalmem() / 1024 ** 3,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    python: pythonVersion,
    date: new Date().toISOString(),
  };
}

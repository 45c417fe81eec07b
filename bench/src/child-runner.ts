/**
 * Runs one measurement in its own process and reads the last JSON line it prints. A failure
 * (non-zero exit, timeout, no JSON) becomes `{ ok: false, error }` so that one broken measurement
 * leaves a hole in a table instead of stopping the run.
 */
import { spawn } from 'node:child_process';

/** A parsed child result: the child's JSON fields, `ok`, and `error` when not ok. */
export type ChildResult = Record<string, unknown> & { readonly ok: boolean; readonly error?: string };

/** Options of {@link runChild}. */
export interface ChildOptions {
  /**
   * Kill the child after this many seconds.
   * @default 900
   */
  readonly timeoutSeconds?: number;
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Called with each stderr chunk (progress logs). */
  readonly onStderr?: (text: string) => void;
}

function lastJsonLine(text: string): Record<string, unknown> | undefined {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (typeof parsed === 'object' && parsed !== null) return parsed as Record<string, unknown>;
    } catch {
      // not JSON: keep looking
    }
  }
  return undefined;
}

/** Runs `command args…` and resolves with its last JSON line (never rejects). */
export function runChild(
  command: string,
  args: readonly string[],
  options: ChildOptions = {},
): Promise<ChildResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, [...args], {
      env: { ...process.env, ...(options.env ?? {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stderr = (stderr + text).slice(-4000);
      options.onStderr?.(text);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), (options.timeoutSeconds ?? 900) * 1000);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolvePromise({ ok: false, error: error.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const parsed = lastJsonLine(stdout);
      if (code === 0 && parsed !== undefined) {
        resolvePromise({ ...parsed, ok: parsed['ok'] !== false });
        return;
      }
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      const reason = signal !== null ? `killed by ${signal}` : `exit ${code ?? '?'}`;
      resolvePromise({ ...(parsed ?? {}), ok: false, error: `${reason}: ${tail}`.slice(0, 400) });
    });
  });
}

/** Reads a numeric field of a child result; NaN when absent or not ok. */
export function num(result: ChildResult | undefined, field: string): number {
  if (result?.ok !== true) return Number.NaN;
  const value = result[field];
  return typeof value === 'number' ? value : Number.NaN;
}

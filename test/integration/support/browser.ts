/**
 * Headless Chromium for the browser tests: Debian's `chromium` (installed when missing by
 * `scripts/install-chromium.sh`) driven by playwright-core.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

const root = path.resolve(__dirname, '..', '..', '..');

/** The browser's executable, installing it first when missing. */
export function chromiumPath(): string {
  const out = execFileSync('bash', [path.join(root, 'scripts', 'install-chromium.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = out.trim().split('\n');
  const found = lines[lines.length - 1];
  if (found === undefined || found === '') throw new Error('install-chromium.sh printed no path');
  return found;
}

/** Launches headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

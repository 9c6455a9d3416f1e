// Debian's chromium driven by playwright-core: the tests never download a browser of their own.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

// No GPU, QUIC, sync, updates or background traffic: a quiet, offline, reproducible browser.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package chromium (scripts/install-system-deps.sh does)`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

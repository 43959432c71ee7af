// Debian's chromium for the browser tests (CHROMIUM names another), and
// screenshots into IAM_SCREENSHOTS when it is set.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

export function launchChromium() {
  return puppeteer.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
}

const shots = process.env.IAM_SCREENSHOTS;
if (shots) mkdirSync(shots, { recursive: true });

// Whether screenshots are taken at all.
export const screenshots = Boolean(shots);

export async function snap(page, name, fullPage = false) {
  if (shots) await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage });
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { renderReminderEmail } from '../../../emails/reminder.js';
import { reminderProps } from './fixtures.js';

// Writes a PNG of one reminder per language into test/output/ so a person can look at
// them. Runs only where Debian's chromium is installed.

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT_DIRECTORY = path.resolve('test/output');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe.skipIf(!existsSync(CHROMIUM))('reminder e-mail screenshots', () => {
  for (const language of ['fr', 'en'] as const) {
    it(`renders ${language} without network requests`, async () => {
      const email = await renderReminderEmail(
        reminderProps({
          language,
          tone: 'firm',
          penalties: [{ invoiceNumber: 'F-2026-0101', currency: 'EUR', penaltyMinor: 153, indemnityMinor: 4_000 }],
        }),
      );
      mkdirSync(OUTPUT_DIRECTORY, { recursive: true });
      const htmlFile = path.join(OUTPUT_DIRECTORY, `reminder-firm-${language}.html`);
      const pngFile = path.join(OUTPUT_DIRECTORY, `reminder-firm-${language}.png`);
      writeFileSync(htmlFile, email.html);

      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
      const requests: string[] = [];
      try {
        const page = await browser.newPage({ viewport: { width: 720, height: 900 } });
        page.on('request', (request) => requests.push(request.url()));
        await page.setContent(email.html, { waitUntil: 'load' });
        await page.screenshot({ path: pngFile, fullPage: true });
      } finally {
        await browser.close();
      }

      expect(requests).toEqual([]);
      expect(readFileSync(pngFile).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    });
  }
});

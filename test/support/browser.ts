import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { requirement } from './requirement.js';
import { REPO_ROOT } from './service-process.js';

/** Debian's chromium: the tests drive the browser the machine has, not a downloaded one. */
export const CHROMIUM = '/usr/bin/chromium';
const AXE_SCRIPT = path.join(REPO_ROOT, 'node_modules/axe-core/axe.min.js');

export function chromiumPresent(): boolean {
  return requirement(`chromium at ${CHROMIUM} (apt-get install chromium)`, existsSync(CHROMIUM));
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * Everything the page said went wrong: console errors and uncaught exceptions. A test reads
 * and clears it after each step, so a failure names the step that caused it.
 */
export class PageProblems {
  private problems: string[] = [];

  constructor(page: Page) {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location().url;
      this.problems.push(`console.error: ${message.text()}${where ? ` (${where})` : ''}`);
    });
    page.on('pageerror', (error) => this.problems.push(`uncaught: ${error.message}`));
  }

  take(): string[] {
    const taken = this.problems;
    this.problems = [];
    return taken;
  }
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

let axeSource: Promise<string> | null = null;

/**
 * axe-core over the page as it is now; only serious and critical violations are returned.
 * The API's CSP (script-src 'self') rightly refuses page.addScriptTag's inline script, so axe
 * is evaluated through the DevTools protocol instead, which CSP does not govern; the page
 * under test keeps its real policy.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(AXE_SCRIPT, 'utf8');
  await page.evaluate(await axeSource);
  return page.evaluate(async () => {
    interface AxeResult {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[] }[];
      }[];
    }
    const axe = (globalThis as unknown as { axe: { run: () => Promise<AxeResult> } }).axe;
    const result = await axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')),
      }));
  });
}

export const SCREENSHOTS = path.join(REPO_ROOT, 'test/e2e/dashboard/screenshots');

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export async function newDashboardContext(
  browser: Browser,
  baseUrl: string,
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1280, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  context.setDefaultTimeout(15_000);
  return context;
}

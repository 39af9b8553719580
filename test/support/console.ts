/**
 * The operator console's browser tests' harness (jest hooks: not for the benchmarks' build): today's console bundle,
 * a private Redis, an emulated cloud of the test's own, a VNFM on it with its monitor looking every `monitorMs`, and
 * Debian's chromium (headless, playwright-core) on one page whose exceptions, console errors and
 * Content-Security-Policy violations are collected; `call` is the API as an NFVO calls it (client_credentials).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { EmulatedCloud } from '../../src/emulator';
import type { Vnfm } from '../../src/main';
import { startTestRedis } from './redis';
import { startLocalVnfm } from './vnfm';

const REPO = resolve(__dirname, '../..');
export const SHOTS = join(REPO, 'test-artifacts/console');

export interface ConsoleHarness {
  vnfm: Vnfm;
  cloud: EmulatedCloud;
  page: Page;
  /** The operator client's secret (client id `operator`). */
  secret: string;
  /** Exceptions thrown in the page. */
  pageErrors: string[];
  /** What the page logged as errors (a failed request among them). */
  consoleErrors: string[];
  /** Content-Security-Policy violations the browser reported (the console must work under our CSP). */
  cspViolations: string[];
  /** A full-page screenshot under test-artifacts/console/. */
  shot(name: string): Promise<Buffer>;
  /** The API as an NFVO or a script calls it: a client_credentials token, then the call. */
  call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; location: string | null; body: T }>;
}

/** Starts everything in beforeAll and stops it in afterAll; the fields are there once beforeAll has run. */
export function useConsole(o: { monitorMs: number; onboardSamples?: boolean }): ConsoleHarness {
  const secret = randomBytes(12).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'console-test-'));
  let redis: Awaited<ReturnType<typeof startTestRedis>> | undefined;
  let browser: Browser | undefined;
  const h = {
    secret,
    pageErrors: [] as string[],
    consoleErrors: [] as string[],
    cspViolations: [] as string[],
    shot: (name: string) => h.page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true }),
    call: async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const basic = `Basic ${Buffer.from(`operator:${secret}`).toString('base64')}`;
      const grant = await fetch(`${h.vnfm.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        body: 'grant_type=client_credentials',
      });
      const token = ((await grant.json()) as { access_token: string }).access_token;
      const res = await fetch(`${h.vnfm.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          version: '1.3.0',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, location: res.headers.get('location'), body: (text ? JSON.parse(text) : {}) as T };
    },
  } as ConsoleHarness;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(REPO, 'scripts/build-web.js')]); // the bundle under test is today's
    mkdirSync(SHOTS, { recursive: true });
    redis = await startTestRedis();
    h.cloud = new EmulatedCloud();
    await h.cloud.start();
    h.vnfm = await startLocalVnfm({
      redisUrl: redis.url,
      varDir: join(dir, 'var'),
      client: { id: 'operator', secret },
      ...(o.onboardSamples === true ? { onboardSamples: true } : {}),
      config: {
        vim: { kind: 'emulated', emulatedCloudUrl: h.cloud.url },
        monitor: { intervalMs: o.monitorMs, reconcileMs: o.monitorMs, agentTimeoutMs: 1000 },
      },
    });
    if (!existsSync('/usr/bin/chromium'))
      throw new Error('Debian chromium is missing: scripts/setup.sh test installs it');
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    h.page = page;
    page.on('pageerror', (e) => h.pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') h.consoleErrors.push(m.text());
      if (/Content Security Policy/i.test(m.text())) h.cspViolations.push(m.text());
    });
    await page.exposeFunction('reportCspViolation', (v: string) => void h.cspViolations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { reportCspViolation(v: string): void }).reportCspViolation(
          `${e.violatedDirective} ${e.blockedURI}`,
        );
      });
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await h.vnfm?.stop();
    await h.cloud?.stop();
    await redis?.stop();
  }, 60_000);
  return h;
}

/** Asks `probe` every 200 ms until it answers (not undefined), at most `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

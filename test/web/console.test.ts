/**
 * The operator console in a real browser: playwright-core driving Debian's chromium (headless; no
 * browser download) against a live VNFM on the emulated VIM. Screenshots go to test-artifacts/console/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Vnfm } from '../../src/main';
import { startLocalVnfm } from '../support/vnfm';
import { buildPackage, loadTypeLibrary } from '../../src/tosca';
import { startTestRedis } from '../support/redis';

const REPO = resolve(__dirname, '../..');
const SHOTS = join(REPO, 'test-artifacts/console');
const SECRET = randomBytes(12).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'console-test-'));
let redis: Awaited<ReturnType<typeof startTestRedis>>;
let vnfm: Vnfm;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
/** Content-Security-Policy violations the browser reported (the console must work under our CSP). */
const cspViolations: string[] = [];

beforeAll(async () => {
  execFileSync(process.execPath, [join(REPO, 'scripts/build-web.js')]); // the bundle under test is today's
  mkdirSync(SHOTS, { recursive: true });
  redis = await startTestRedis();
  vnfm = await startLocalVnfm({
    redisUrl: redis.url,
    varDir: join(dir, 'var'),
    client: { id: 'operator', secret: SECRET },
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
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  // the page's own errors are part of a failure's story
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  await page.exposeFunction('reportCspViolation', (v: string) => void cspViolations.push(v));
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
  await vnfm?.stop();
  await redis?.stop();
}, 60_000);

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const flash = () => page.locator('#flash');

it(
  'log in, upload a package, instantiate, see the NF running and a chart moving,' +
    ' edit the Click config (error inline, then fixed and applied), stop and start the NF, terminate',
  async () => {
    const first = await page.goto(vnfm.url as string);
    expect(first?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    expect(first?.headers()['x-frame-options']).toBe('DENY');
    await page.fill('#client-id', 'operator');
    await page.fill('#client-secret', 'wrong');
    await page.click('#login-submit');
    await expect(flash().textContent()).resolves.toBeDefined();
    await page
      .waitForFunction(() => document.querySelector('#flash')?.textContent?.includes('login refused'), undefined, {
        timeout: 5000,
      })
      .catch(async (err: unknown) => {
        throw new Error(`${String(err)}\npage: ${await page.content()}\nerrors: ${pageErrors.join('\n')}`);
      });
    await page.fill('#client-secret', SECRET);
    await page.click('#login-submit');
    await page.waitForSelector('#instances');
    await shot('01-logged-in');

    // upload a CSAR through the file input
    const built = await buildPackage(join(REPO, 'vnfd/forwarder'), loadTypeLibrary());
    const csar = join(dir, 'forwarder.zip');
    writeFileSync(csar, built.csar as Buffer);
    await page.click('#nav-packages');
    await page.setInputFiles('#csar', csar);
    await page.click('#upload');
    await page.waitForSelector('#packages td:text("ONBOARDED")', { timeout: 20_000 });
    await page.click('#packages button:text("Enable")');
    await page.waitForSelector('#packages td:text("ENABLED")');
    await shot('02-package-onboarded');

    // instantiate from the package
    await page.click('#instantiate-b1bb0ce7-ebca-4fa7-95ed-4840d70a1177');
    await page.waitForFunction(
      () => document.querySelector('#instance-state')?.textContent?.includes('INSTANTIATED · NF STARTED'),
      undefined,
      { timeout: 30_000 },
    );
    await page.waitForSelector('#vnfcs .nf.running');
    const url = page.url();
    const instanceId = /#\/instance\/(.+)$/.exec(url)?.[1] as string;
    expect(instanceId).toMatch(/^[0-9a-f-]{36}$/);

    // a chart moving: samples arrive and the element counters change between them
    await page.waitForFunction(
      () => Number((document.querySelector('#charts') as HTMLElement | null)?.dataset['samples'] ?? 0) >= 2,
      undefined,
      { timeout: 15_000 },
    );
    // the pixels of the traffic chart change as samples arrive (the line grows and the time axis scrolls)
    const pixels = () =>
      page.evaluate(() => (document.querySelector('#charts .chart-net canvas') as HTMLCanvasElement).toDataURL());
    const before = await pixels();
    const samples = Number(await page.locator('#charts').getAttribute('data-samples'));
    await page.waitForFunction(
      (n) => Number((document.querySelector('#charts') as HTMLElement).dataset['samples']) >= n + 2,
      samples,
      { timeout: 15_000 },
    );
    expect(await pixels()).not.toBe(before);
    const lastValues = JSON.parse((await page.locator('#charts').getAttribute('data-last-values')) as string);
    expect(lastValues[2]).toBeGreaterThan(0); // traffic flows
    expect(await page.locator('#charts canvas').count()).toBeGreaterThanOrEqual(2);
    await shot('03-running-with-charts');

    // a Click config with an error: shown inline (the lint marker) and listed with line:column
    await page.click('#editor .cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(
      'FromDPDKDevice(0) -> c :: Counter -> ToDPDKDevice(1);\nFromDPDKDevice(1) -> Nope -> ToDPDKDevice(0);\n',
    );
    await page.click('#validate');
    await page.waitForSelector('#editor .cm-lintRange-error');
    await expect(page.locator('#problems li.error').first().textContent()).resolves.toMatch(
      /^2:22: unknown element class 'Nope'/,
    );
    await shot('04-config-error-inline');

    // fixed: validated (graph drawn) and applied through PATCH; the VM runs it
    const fixed =
      readFileSync(join(REPO, 'vnfd/forwarder/Files/click/forwarder.click'), 'utf8') + '\n// edited in the console\n';
    await page.click('#editor .cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(fixed);
    await page.click('#validate');
    await page.waitForFunction(() => document.querySelector('#flash')?.textContent === 'the configuration is valid');
    expect(await page.locator('#graph svg rect.node').count()).toBeGreaterThanOrEqual(4);
    await page.click('#update-config');
    await page.waitForFunction(
      () => document.querySelector('#flash')?.textContent === 'MODIFY_INFO: COMPLETED',
      undefined,
      { timeout: 30_000 },
    );
    await page.waitForSelector('#vnfcs');
    const vnfcId = await page.locator('#vnfcs tr[data-id]').first().getAttribute('data-id');
    const cfg = await page.evaluate(
      async ([i, v]) =>
        (await (
          await fetch(`/clickvnfm/v1/vnf_instances/${i}/vnfcs/${encodeURIComponent(v as string)}/config`, {
            headers: { authorization: `Bearer ${sessionStorage.getItem('clickvnfm.token') ?? ''}` },
          })
        ).json()) as { text: string },
      [instanceId, vnfcId],
    );
    expect(cfg.text).toBe(fixed);
    await shot('05-config-updated');

    // stop and start the NF
    await page.click('#stop-nf');
    await page.waitForFunction(
      () => document.querySelector('#instance-state')?.textContent?.includes('NF STOPPED'),
      undefined,
      { timeout: 30_000 },
    );
    await page.waitForSelector('#vnfcs .nf.stopped');
    await shot('06-nf-stopped');
    await page.click('#start-nf');
    await page.waitForFunction(
      () => document.querySelector('#instance-state')?.textContent?.includes('NF STARTED'),
      undefined,
      { timeout: 30_000 },
    );
    await page.waitForSelector('#vnfcs .nf.running');

    // op-occ history
    const ops = await page.locator('#ops tr[data-id] td:first-child').allTextContents();
    expect(ops).toEqual(expect.arrayContaining(['INSTANTIATE', 'MODIFY_INFO', 'OPERATE']));

    // terminate
    await page.click('#terminate');
    await page.waitForFunction(
      () => document.querySelector('#instance-state')?.textContent?.startsWith('NOT_INSTANTIATED'),
      undefined,
      { timeout: 30_000 },
    );
    await shot('07-terminated');
    // the whole story ran under the CSP with nothing blocked
    expect(cspViolations).toEqual([]);
  },
  240_000,
);

it('the OpenAPI page (Swagger UI) renders under its CSP', async () => {
  const res = await page.goto(`${vnfm.url as string}/docs`);
  expect(res?.headers()['content-security-policy']).toBeDefined();
  await page.waitForSelector('.swagger-ui .opblock', { timeout: 30_000 });
  await shot('08-openapi');
  expect(cspViolations).toEqual([]);
}, 60_000);

it('the extension API answers ProblemDetails: 401 without a token, 404 for an unknown instance', async () => {
  const anon = await fetch(`${vnfm.url}/clickvnfm/v1/vnf_instances/x/vnfcs`);
  expect(anon.status).toBe(401);
  const tok = (await (
    await fetch(`${vnfm.url}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'Basic ' + Buffer.from(`operator:${SECRET}`).toString('base64'),
      },
      body: 'grant_type=client_credentials',
    })
  ).json()) as { access_token: string };
  const res = await fetch(`${vnfm.url}/clickvnfm/v1/vnf_instances/00000000-0000-4000-8000-000000000000/vnfcs`, {
    headers: { authorization: `Bearer ${tok.access_token}` },
  });
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ status: 404, detail: expect.stringContaining('does not exist') });
});

/**
 * The operator console in a real browser: playwright-core driving Debian's chromium (headless; no
 * browser download) against a live VNFM on the emulated VIM (a cloud of the test's own, so that it can break a
 * VNFC), its monitor looking every half second. Screenshots go to test-artifacts/console/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Alarm } from '../../src/domain/alarm';
import type { VnfInstance } from '../../src/domain/vnf-instance';
import { EmulatedCloud } from '../../src/emulator';
import type { Vnfm } from '../../src/main';
import { startLocalVnfm } from '../support/vnfm';
import { buildPackage, loadTypeLibrary } from '../../src/tosca';
import { startTestRedis } from '../support/redis';

const REPO = resolve(__dirname, '../..');
const SHOTS = join(REPO, 'test-artifacts/console');
const SECRET = randomBytes(12).toString('hex');
const FORWARDER_VNFD = 'b1bb0ce7-ebca-4fa7-95ed-4840d70a1177';
const NAT_VNFD = 'd1bb0ce7-ebca-4fa7-95ed-4840d70a3377';
/** The monitor's interval: each VNFC's charts get a stored sample this often. */
const MONITOR_MS = 500;
const dir = mkdtempSync(join(tmpdir(), 'console-test-'));
let redis: Awaited<ReturnType<typeof startTestRedis>>;
let cloud: EmulatedCloud;
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
  cloud = new EmulatedCloud();
  await cloud.start();
  vnfm = await startLocalVnfm({
    redisUrl: redis.url,
    varDir: join(dir, 'var'),
    client: { id: 'operator', secret: SECRET },
    config: {
      vim: { kind: 'emulated', emulatedCloudUrl: cloud.url },
      monitor: { intervalMs: MONITOR_MS, reconcileMs: MONITOR_MS, agentTimeoutMs: 1000 },
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
  await cloud?.stop();
  await redis?.stop();
}, 60_000);

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const flash = () => page.locator('#flash');

/** The API as an NFVO or a script calls it (the operator's client, client_credentials). */
async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
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
  const res = await fetch(`${vnfm.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tok.access_token}`,
      version: '1.3.0',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, location: res.headers.get('location'), body: (text ? JSON.parse(text) : {}) as T };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

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
    await page.click(`#instantiate-${FORWARDER_VNFD}`);
    await page.waitForFunction(
      () => document.querySelector('#instance-state')?.textContent?.includes('INSTANTIATED · NF STARTED'),
      undefined,
      { timeout: 30_000 },
    );
    await page.waitForSelector('#vnfcs .nf.running');
    const url = page.url();
    const instanceId = /#\/instance\/(.+)$/.exec(url)?.[1] as string;
    expect(instanceId).toMatch(/^[0-9a-f-]{36}$/);

    // a chart moving: the monitor's stored samples arrive and are drawn (click-plugin's metrics count no packets:
    // the packets/s chart of the forwarder stays empty, with a note; the nat's below has them)
    const charts = '#charts-0';
    await page.waitForFunction(
      (sel) => Number((document.querySelector(sel) as HTMLElement | null)?.dataset['samples'] ?? 0) >= 3,
      charts,
      { timeout: 15_000 },
    );
    // the pixels of the CPU chart change as samples arrive (the line grows and the time axis scrolls)
    const pixels = () =>
      page.evaluate(
        (sel) => (document.querySelector(`${sel} .chart-load canvas`) as HTMLCanvasElement).toDataURL(),
        charts,
      );
    const before = await pixels();
    const lastT = Number(await page.locator(charts).getAttribute('data-last-t'));
    await page.waitForFunction(
      ([sel, t]) => Number((document.querySelector(sel as string) as HTMLElement).dataset['lastT']) > Number(t),
      [charts, lastT],
      { timeout: 15_000 },
    );
    expect(await pixels()).not.toBe(before);
    const lastValues = JSON.parse((await page.locator(charts).getAttribute('data-last-values')) as string);
    expect(lastValues[0]).toEqual(expect.any(Number)); // CPU %
    expect(lastValues[1]).toEqual(expect.any(Number)); // memory %
    await expect(page.locator(`${charts} .note`).textContent()).resolves.toMatch(/no packet counters/);
    expect(await page.locator(`${charts} canvas`).count()).toBeGreaterThanOrEqual(2);
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

/** An instance of two VNFCs (the nat's instantiation_level_2), auto-heal off: a fault stays (the next test's). */
let two: VnfInstance;

it('an instance of two VNFCs: a live chart per VNFC, drawn from the samples the monitor stores', async () => {
  // the nat (osv-controlsocket: per-port packet counters and element counters), uploaded and enabled
  const built = await buildPackage(join(REPO, 'vnfd/nat'), loadTypeLibrary());
  const csar = join(dir, 'nat.zip');
  writeFileSync(csar, built.csar as Buffer);
  await page.click('#nav-packages');
  await page.setInputFiles('#csar', csar);
  await page.click('#upload');
  const nat = page.locator('#packages tr', { hasText: NAT_VNFD });
  await nat.locator('td:text("ONBOARDED")').waitFor({ timeout: 20_000 });
  await nat.locator('button:text("Enable")').click();
  await page.locator('#packages tr', { hasText: NAT_VNFD }).locator('td:text("ENABLED")').waitFor();
  const created = await call<VnfInstance>('POST', '/vnflcm/v1/vnf_instances', {
    vnfdId: NAT_VNFD,
    vnfInstanceName: 'two-vnfcs',
  });
  expect(created.status).toBe(201);
  const started = await call('POST', `/vnflcm/v1/vnf_instances/${created.body.id}/instantiate`, {
    flavourId: 'simple',
    instantiationLevelId: 'instantiation_level_2',
    additionalParams: { autoHeal: false },
  });
  expect(started.status).toBe(202);
  await until('INSTANTIATE COMPLETED', async () => {
    const op = await call<{ operationState: string }>('GET', new URL(started.location as string).pathname);
    expect(['STARTING', 'PROCESSING', 'COMPLETED']).toContain(op.body.operationState);
    return op.body.operationState === 'COMPLETED' ? true : undefined;
  });
  two = (await call<VnfInstance>('GET', `/vnflcm/v1/vnf_instances/${created.body.id}`)).body;
  const vnfcIds = two.instantiatedVnfInfo!.vnfcResourceInfo!.map((v) => v.id);
  expect(vnfcIds).toHaveLength(2);

  await page.goto(`${vnfm.url as string}/#/instance/${two.id}`);
  await page.waitForSelector('h2:text("two-vnfcs")');
  await page.waitForSelector('#vnfcs');
  expect(await page.locator('#live .vnfc-live .charts').count()).toBe(2);
  // every VNFC's charts fill with the stored samples: CPU, packets/s from the port counters' deltas, and the
  // element counters' rates
  for (const [i, vnfcId] of vnfcIds.entries()) {
    const sel = `#charts-${i}`;
    expect(await page.locator(sel).getAttribute('data-vnfc')).toBe(vnfcId);
    await page.waitForFunction(
      (q) => {
        const el = document.querySelector(q) as HTMLElement;
        const v = JSON.parse(el.dataset['lastValues'] ?? '[]') as Array<number | null>;
        return Number(el.dataset['samples'] ?? 0) >= 3 && typeof v[0] === 'number' && (v[2] ?? 0) > 0 && v.length > 4;
      },
      sel,
      { timeout: 20_000 },
    );
    expect(await page.locator(`${sel} canvas`).count()).toBe(3);
    expect(await page.locator(`${sel} .note`).textContent()).toBe('');
  }
  // the samples the charts drew are the VNFC's own: the API's, for each VNFC
  const [a, b] = await Promise.all(
    vnfcIds.map((v) =>
      call<Array<{ t: number }>>('GET', `/clickvnfm/v1/vnf_instances/${two.id}/vnfcs/${v}/samples?n=5`),
    ),
  );
  expect(a!.body.length).toBeGreaterThan(0);
  expect(b!.body.length).toBeGreaterThan(0);
  await shot('09-two-vnfcs-charts');
}, 90_000);

it('an NF crash is an alarm in the Alarms view and on the instance page; Acknowledge: ACKNOWLEDGED', async () => {
  const vnfc = two.instantiatedVnfInfo!.vnfcResourceInfo![1]!;
  await cloud.injectVnfcFault(vnfc.computeResource.resourceId, {
    fault: 'nf-crash',
    message: 'Segmentation fault in Counter@3 (console test)',
  });
  await page.click('#nav-alarms');
  const row = page.locator('#alarms tr[data-id]', { hasText: vnfc.id });
  await row.waitFor({ timeout: 20_000 });
  const alarmId = (await row.getAttribute('data-id')) as string;
  const cells = await row.locator('td').allTextContents();
  expect(cells[0]).toBe('CRITICAL');
  expect(cells[1]).toMatch(/^click-not-running \(PROCESSING_ERROR_ALARM\)$/);
  expect(cells[2]).toBe(two.id);
  expect(cells[3]).toBe(vnfc.id);
  expect(Date.parse(cells[4] as string)).toBeGreaterThan(0);
  expect(cells[5]).toContain('Segmentation fault in Counter@3 (console test)');
  expect(cells[6]).toMatch(/^UNACKNOWLEDGED/);
  await shot('10-alarm-raised');

  // the instance page lists it too
  await page.click(`#alarms tr[data-id="${alarmId}"] a`);
  await page.waitForSelector(`#instance-alarms tr[data-id="${alarmId}"]`, { timeout: 10_000 });

  // acknowledged from the Alarms view: shown, and so through the API
  await page.click('#nav-alarms');
  await page.click(`#ack-${alarmId}`);
  await page.waitForSelector(`#alarms tr[data-id="${alarmId}"] .ack.acknowledged`, { timeout: 10_000 });
  await expect(flash().textContent()).resolves.toBe(`alarm ${alarmId} acknowledged`);
  const alarm = (await call<Alarm>('GET', `/vnffm/v1/alarms/${alarmId}`)).body;
  expect(alarm).toMatchObject({ ackState: 'ACKNOWLEDGED', perceivedSeverity: 'CRITICAL', vnfcInstanceIds: [vnfc.id] });
  expect(alarm.alarmClearedTime).toBeUndefined();
  expect(await page.locator(`#ack-${alarmId}`).count()).toBe(0);
  // a refresh later it is still shown acknowledged (the view reads the alarms again)
  await page.waitForTimeout(2500);
  await page.waitForSelector(`#alarms tr[data-id="${alarmId}"] .ack.acknowledged`);
  await shot('11-alarm-acknowledged');
}, 60_000);

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

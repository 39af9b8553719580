/**
 * The operator console in a real browser: playwright-core driving Debian's chromium (headless; no
 * browser download) against a live VNFM on the emulated VIM (a cloud of the test's own, so that it can break a
 * VNFC), its monitor looking every half second. Screenshots go to test-artifacts/console/.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Alarm } from '../../src/domain/alarm';
import type { VnfInstance } from '../../src/domain/vnf-instance';
import { buildPackage, loadTypeLibrary } from '../../src/tosca';
import { until, useConsole } from '../support/console';

const REPO = resolve(__dirname, '../..');
const FORWARDER_VNFD = 'b1bb0ce7-ebca-4fa7-95ed-4840d70a1177';
const NAT_VNFD = 'd1bb0ce7-ebca-4fa7-95ed-4840d70a3377';
/** The monitor's interval: each VNFC's charts get a stored sample this often. */
const MONITOR_MS = 500;
const dir = mkdtempSync(join(tmpdir(), 'console-test-'));
const h = useConsole({ monitorMs: MONITOR_MS });
const { call, shot } = h;
const flash = () => h.page.locator('#flash');

it(
  'log in, upload a package, instantiate, see the NF running and a chart moving,' +
    ' edit the Click config (error inline, then fixed and applied), stop and start the NF, terminate',
  async () => {
    const first = await h.page.goto(h.vnfm.url as string);
    expect(first?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    expect(first?.headers()['x-frame-options']).toBe('DENY');
    await h.page.fill('#client-id', 'operator');
    await h.page.fill('#client-secret', 'wrong');
    await h.page.click('#login-submit');
    await expect(flash().textContent()).resolves.toBeDefined();
    await h.page
      .waitForFunction(() => document.querySelector('#flash')?.textContent?.includes('login refused'), undefined, {
        timeout: 5000,
      })
      .catch(async (err: unknown) => {
        const errors = [...h.pageErrors, ...h.consoleErrors].join('\n');
        throw new Error(`${String(err)}\npage: ${await h.page.content()}\nerrors: ${errors}`);
      });
    await h.page.fill('#client-secret', h.secret);
    await h.page.click('#login-submit');
    await h.page.waitForSelector('#instances');
    await shot('01-logged-in');

    // upload a CSAR through the file input
    const built = await buildPackage(join(REPO, 'vnfd/forwarder'), loadTypeLibrary());
    const csar = join(dir, 'forwarder.zip');
    writeFileSync(csar, built.csar as Buffer);
    await h.page.click('#nav-packages');
    await h.page.setInputFiles('#csar', csar);
    await h.page.click('#upload');
    await h.page.waitForSelector('#packages td:text("ONBOARDED")', { timeout: 20_000 });
    await h.page.click('#packages button:text("Enable")');
    await h.page.waitForSelector('#packages td:text("ENABLED")');
    await shot('02-package-onboarded');

    // instantiate from the package
    await h.page.click(`#instantiate-${FORWARDER_VNFD}`);
    await h.page.waitForFunction(
      () => document.querySelector('#instance-state')?.textContent?.includes('INSTANTIATED · NF STARTED'),
      undefined,
      { timeout: 30_000 },
    );
    await h.page.waitForSelector('#vnfcs .nf.running');
    const url = h.page.url();
    const instanceId = /#\/instance\/(.+)$/.exec(url)?.[1] as string;
    expect(instanceId).toMatch(/^[0-9a-f-]{36}$/);

    // a chart moving: the monitor's stored samples arrive and are drawn (click-plugin's metrics count no packets:
    // the packets/s chart of the forwarder stays empty, with a note; the nat's below has them)
    const charts = '#charts-0';
    await h.page.waitForFunction(
      (sel) => Number((document.querySelector(sel) as HTMLElement | null)?.dataset['samples'] ?? 0) >= 3,
      charts,
      { timeout: 15_000 },
    );
    // the pixels of the CPU chart change as samples arrive (the line grows and the time axis scrolls)
    const pixels = () =>
      h.page.evaluate(
        (sel) => (document.querySelector(`${sel} .chart-load canvas`) as HTMLCanvasElement).toDataURL(),
        charts,
      );
    const before = await pixels();
    const lastT = Number(await h.page.locator(charts).getAttribute('data-last-t'));
    await h.page.waitForFunction(
      ([sel, t]) => Number((document.querySelector(sel as string) as HTMLElement).dataset['lastT']) > Number(t),
      [charts, lastT],
      { timeout: 15_000 },
    );
    expect(await pixels()).not.toBe(before);
    const lastValues = JSON.parse((await h.page.locator(charts).getAttribute('data-last-values')) as string);
    expect(lastValues[0]).toEqual(expect.any(Number)); // CPU %
    expect(lastValues[1]).toEqual(expect.any(Number)); // memory %
    await expect(h.page.locator(`${charts} .note`).textContent()).resolves.toMatch(/no packet counters/);
    expect(await h.page.locator(`${charts} canvas`).count()).toBeGreaterThanOrEqual(2);
    await shot('03-running-with-charts');

    // a Click config with an error: shown inline (the lint marker) and listed with line:column
    await h.page.click('#editor .cm-content');
    await h.page.keyboard.press('Control+A');
    await h.page.keyboard.insertText(
      'FromDPDKDevice(0) -> c :: Counter -> ToDPDKDevice(1);\nFromDPDKDevice(1) -> Nope -> ToDPDKDevice(0);\n',
    );
    await h.page.click('#validate');
    await h.page.waitForSelector('#editor .cm-lintRange-error');
    await expect(h.page.locator('#problems li.error').first().textContent()).resolves.toMatch(
      /^2:22: unknown element class 'Nope'/,
    );
    await shot('04-config-error-inline');

    // fixed: validated (graph drawn) and applied through PATCH; the VM runs it
    const fixed =
      readFileSync(join(REPO, 'vnfd/forwarder/Files/click/forwarder.click'), 'utf8') + '\n// edited in the console\n';
    await h.page.click('#editor .cm-content');
    await h.page.keyboard.press('Control+A');
    await h.page.keyboard.insertText(fixed);
    await h.page.click('#validate');
    await h.page.waitForFunction(() => document.querySelector('#flash')?.textContent === 'the configuration is valid');
    expect(await h.page.locator('#graph svg rect.node').count()).toBeGreaterThanOrEqual(4);
    await h.page.click('#update-config');
    await h.page.waitForFunction(
      () => document.querySelector('#flash')?.textContent === 'MODIFY_INFO: COMPLETED',
      undefined,
      { timeout: 30_000 },
    );
    await h.page.waitForSelector('#vnfcs');
    const vnfcId = await h.page.locator('#vnfcs tr[data-id]').first().getAttribute('data-id');
    const cfg = await h.page.evaluate(
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
    await h.page.click('#stop-nf');
    await h.page.waitForFunction(
      () => document.querySelector('#instance-state')?.textContent?.includes('NF STOPPED'),
      undefined,
      { timeout: 30_000 },
    );
    await h.page.waitForSelector('#vnfcs .nf.stopped');
    await shot('06-nf-stopped');
    await h.page.click('#start-nf');
    await h.page.waitForFunction(
      () => document.querySelector('#instance-state')?.textContent?.includes('NF STARTED'),
      undefined,
      { timeout: 30_000 },
    );
    await h.page.waitForSelector('#vnfcs .nf.running');

    // op-occ history
    const ops = await h.page.locator('#ops tr[data-id] td:first-child').allTextContents();
    expect(ops).toEqual(expect.arrayContaining(['INSTANTIATE', 'MODIFY_INFO', 'OPERATE']));

    // terminate
    await h.page.click('#terminate');
    await h.page.waitForFunction(
      () => document.querySelector('#instance-state')?.textContent?.startsWith('NOT_INSTANTIATED'),
      undefined,
      { timeout: 30_000 },
    );
    await shot('07-terminated');
    // the whole story ran under the CSP with nothing blocked
    expect(h.cspViolations).toEqual([]);
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
  await h.page.click('#nav-packages');
  await h.page.setInputFiles('#csar', csar);
  await h.page.click('#upload');
  const nat = h.page.locator('#packages tr', { hasText: NAT_VNFD });
  await nat.locator('td:text("ONBOARDED")').waitFor({ timeout: 20_000 });
  await nat.locator('button:text("Enable")').click();
  await h.page.locator('#packages tr', { hasText: NAT_VNFD }).locator('td:text("ENABLED")').waitFor();
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

  await h.page.goto(`${h.vnfm.url as string}/#/instance/${two.id}`);
  await h.page.waitForSelector('h2:text("two-vnfcs")');
  await h.page.waitForSelector('#vnfcs');
  expect(await h.page.locator('#live .vnfc-live .charts').count()).toBe(2);
  // every VNFC's charts fill with the stored samples: CPU, packets/s from the port counters' deltas, and the
  // element counters' rates
  for (const [i, vnfcId] of vnfcIds.entries()) {
    const sel = `#charts-${i}`;
    expect(await h.page.locator(sel).getAttribute('data-vnfc')).toBe(vnfcId);
    await h.page.waitForFunction(
      (q) => {
        const el = document.querySelector(q) as HTMLElement;
        const v = JSON.parse(el.dataset['lastValues'] ?? '[]') as Array<number | null>;
        return Number(el.dataset['samples'] ?? 0) >= 3 && typeof v[0] === 'number' && (v[2] ?? 0) > 0 && v.length > 4;
      },
      sel,
      { timeout: 20_000 },
    );
    expect(await h.page.locator(`${sel} canvas`).count()).toBe(3);
    expect(await h.page.locator(`${sel} .note`).textContent()).toBe('');
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
  await h.cloud.injectVnfcFault(vnfc.computeResource.resourceId, {
    fault: 'nf-crash',
    message: 'Segmentation fault in Counter@3 (console test)',
  });
  await h.page.click('#nav-alarms');
  const row = h.page.locator('#alarms tr[data-id]', { hasText: vnfc.id });
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
  await h.page.click(`#alarms tr[data-id="${alarmId}"] a`);
  await h.page.waitForSelector(`#instance-alarms tr[data-id="${alarmId}"]`, { timeout: 10_000 });

  // acknowledged from the Alarms view: shown, and so through the API
  await h.page.click('#nav-alarms');
  await h.page.click(`#ack-${alarmId}`);
  await h.page.waitForSelector(`#alarms tr[data-id="${alarmId}"] .ack.acknowledged`, { timeout: 10_000 });
  await expect(flash().textContent()).resolves.toBe(`alarm ${alarmId} acknowledged`);
  const alarm = (await call<Alarm>('GET', `/vnffm/v1/alarms/${alarmId}`)).body;
  expect(alarm).toMatchObject({ ackState: 'ACKNOWLEDGED', perceivedSeverity: 'CRITICAL', vnfcInstanceIds: [vnfc.id] });
  expect(alarm.alarmClearedTime).toBeUndefined();
  expect(await h.page.locator(`#ack-${alarmId}`).count()).toBe(0);
  // a refresh later it is still shown acknowledged (the view reads the alarms again)
  await h.page.waitForTimeout(2500);
  await h.page.waitForSelector(`#alarms tr[data-id="${alarmId}"] .ack.acknowledged`);
  await shot('11-alarm-acknowledged');
}, 60_000);

it('the OpenAPI page (Swagger UI) renders under its CSP', async () => {
  const res = await h.page.goto(`${h.vnfm.url as string}/docs`);
  expect(res?.headers()['content-security-policy']).toBeDefined();
  await h.page.waitForSelector('.swagger-ui .opblock', { timeout: 30_000 });
  await shot('08-openapi');
  expect(h.cspViolations).toEqual([]);
}, 60_000);

it('the extension API answers ProblemDetails: 401 without a token, 404 for an unknown instance', async () => {
  const anon = await fetch(`${h.vnfm.url}/clickvnfm/v1/vnf_instances/x/vnfcs`);
  expect(anon.status).toBe(401);
  const res = await call('GET', '/clickvnfm/v1/vnf_instances/00000000-0000-4000-8000-000000000000/vnfcs');
  expect(res.status).toBe(404);
  expect(res.body).toMatchObject({ status: 404, detail: expect.stringContaining('does not exist') });
});

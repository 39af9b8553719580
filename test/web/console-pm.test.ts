/**
 * The console's Performance view (#/pm) in a real browser: playwright-core driving Debian's chromium (headless)
 * against a live VNFM on real Redis with emulated VMs, its monitor looking every half second. Through the forms: a
 * PM job and a threshold for an instantiated nat, both listed; the job's newest report appears and shows the values
 * the API's report JSON has; the instance page links to its own PM view; a bad form shows the API's error; Delete
 * (confirmed) removes both. Screenshots go to test-artifacts/console/.
 */
import type { PerformanceReport, PmJob } from '../../src/domain/pm';
import type { VnfInstance } from '../../src/domain/vnf-instance';
import { until, useConsole } from '../support/console';

const NAT_VNFD = 'd1bb0ce7-ebca-4fa7-95ed-4840d70a3377';
/** The monitor's interval; a PM job's collection period is at least this (whole seconds: 1 s). */
const MONITOR_MS = 500;
const h = useConsole({ monitorMs: MONITOR_MS, onboardSamples: true });
const { call, shot } = h;
const text = (sel: string) => h.page.locator(sel).textContent();

/** Fills a form's fields (selector → value) and submits it. */
async function submit(form: 'job' | 'threshold', fields: Record<string, string>): Promise<void> {
  for (const [sel, value] of Object.entries(fields)) await h.page.fill(sel, value);
  await h.page.click(`#${form}-create`);
}

let nat: VnfInstance;
/** A second instance, not instantiated, with a PM job of its own (created through the API). */
let other: VnfInstance;
let otherJob: PmJob;

beforeAll(async () => {
  const created = await call<VnfInstance>('POST', '/vnflcm/v1/vnf_instances', {
    vnfdId: NAT_VNFD,
    vnfInstanceName: 'nat',
  });
  expect(created.status).toBe(201);
  const instantiate = { flavourId: 'simple' };
  const started = await call('POST', `/vnflcm/v1/vnf_instances/${created.body.id}/instantiate`, instantiate);
  expect(started.status).toBe(202);
  await until('INSTANTIATE COMPLETED', async () => {
    const op = await call<{ operationState: string }>('GET', new URL(started.location as string).pathname);
    expect(['STARTING', 'PROCESSING', 'COMPLETED']).toContain(op.body.operationState);
    return op.body.operationState === 'COMPLETED' ? true : undefined;
  });
  nat = (await call<VnfInstance>('GET', `/vnflcm/v1/vnf_instances/${created.body.id}`)).body;
  // the monitor has looked at the VNFC: the form's datalist offers its Click handlers
  const vnfc = nat.instantiatedVnfInfo!.vnfcResourceInfo![0]!.id;
  await until('a stored sample with Click handlers', async () => {
    const s = await call<Array<{ el?: unknown[] }>>(
      'GET',
      `/clickvnfm/v1/vnf_instances/${nat.id}/vnfcs/${vnfc}/samples`,
    );
    return (s.body[0]?.el ?? []).length > 0 ? true : undefined;
  });
  other = (await call<VnfInstance>('POST', '/vnflcm/v1/vnf_instances', { vnfdId: NAT_VNFD, vnfInstanceName: 'idle' }))
    .body;
  const job = await call<PmJob>('POST', '/vnfpm/v1/pm_jobs', {
    objectType: 'Vnf',
    objectInstanceIds: [other.id],
    criteria: { performanceMetric: ['VCpuUsageMeanVnf'], collectionPeriod: 10, reportingPeriod: 60 },
  });
  expect(job.status).toBe(201);
  otherJob = job.body;

  await h.page.goto(h.vnfm.url as string);
  await h.page.fill('#client-id', 'operator');
  await h.page.fill('#client-secret', h.secret);
  await h.page.click('#login-submit');
  await h.page.waitForSelector('#instances');
}, 120_000);

let jobId: string;
let thresholdId: string;

it('creates a PM job and a threshold through the forms; both listed; a bad metric shows the API error', async () => {
  await h.page.click('#nav-pm');
  await h.page.waitForSelector('#job-form');
  // the select offers the instantiated instances only; the datalist the IFA 027 names and the VNFC's handlers
  const options = await h.page
    .locator('#job-instance option')
    .evaluateAll((os) => os.map((o) => o.getAttribute('value')));
  expect(options).toEqual([nat.id]);
  await h.page.waitForSelector('#pm-metrics option[value="VCpuUsageMeanVnf"]', { state: 'attached' });
  await h.page.waitForSelector('#pm-metrics option[value^="ClickElement."]', { state: 'attached' });
  // the other instance's job (made through the API) is listed in the all-instances view
  await h.page.waitForSelector(`#pm-jobs tr[data-id="${otherJob.id}"]`);

  // an unknown metric: the API's 422 detail beside the form, nothing created
  const bad = { '#job-metric': 'NoSuchMetric', '#job-collection': '1', '#job-reporting': '2' };
  await submit('job', bad);
  await h.page.waitForFunction(() => (document.querySelector('#job-error')?.textContent ?? '') !== '');
  const refused = await call<{ detail: string }>('POST', '/vnfpm/v1/pm_jobs', {
    objectType: 'Vnf',
    objectInstanceIds: [nat.id],
    criteria: { performanceMetric: ['NoSuchMetric'], collectionPeriod: 1, reportingPeriod: 2 },
  });
  expect(refused.status).toBe(422);
  expect(refused.body.detail).toContain('NoSuchMetric is not a measurement');
  expect(await text('#job-error')).toContain(refused.body.detail);
  expect(await text('#job-error')).toContain('criteria.performanceMetric');
  // a reporting period that is not a multiple of the collection period
  await submit('job', { '#job-metric': 'VCpuUsageMeanVnf', '#job-collection': '2', '#job-reporting': '3' });
  await h.page.waitForFunction(() => document.querySelector('#job-error')?.textContent?.includes('not a multiple'));
  expect(await text('#job-error')).toContain('reportingPeriod 3 s is not a multiple of collectionPeriod 2 s');
  await submit('threshold', { '#threshold-metric': 'ClickElement.nope.count', '#threshold-value': '1' });
  await h.page.waitForFunction(() => document.querySelector('#threshold-error')?.textContent?.includes('nope.count'));
  await shot('20-pm-form-errors');
  const jobs = await call<PmJob[]>('GET', '/vnfpm/v1/pm_jobs');
  expect(jobs.body.map((j) => j.id)).toEqual([otherJob.id]);

  // the job: two measurements, collected every second, reported every two
  await submit('job', {
    '#job-metric': 'VCpuUsageMeanVnf, PacketIncomingVnfExtCp',
    '#job-collection': '1',
    '#job-reporting': '2',
  });
  await h.page.waitForFunction(() => /^PM job \S+ created$/.test(document.querySelector('#flash')?.textContent ?? ''));
  expect(await text('#job-error')).toBe('');
  jobId = /^PM job (\S+) created$/.exec((await text('#flash')) as string)![1]!;
  const row = h.page.locator(`#pm-jobs tr[data-id="${jobId}"]`);
  await row.waitFor();
  const cells = await row.locator('td').allTextContents();
  expect(cells.slice(0, 4)).toEqual([jobId, nat.id, 'VCpuUsageMeanVnf, PacketIncomingVnfExtCp', '1 s / 2 s']);
  const api = (await call<PmJob>('GET', `/vnfpm/v1/pm_jobs/${jobId}`)).body;
  expect(api).toMatchObject({
    objectType: 'Vnf',
    objectInstanceIds: [nat.id],
    criteria: { performanceMetric: ['VCpuUsageMeanVnf', 'PacketIncomingVnfExtCp'], collectionPeriod: 1 },
  });

  // the threshold
  await submit('threshold', {
    '#threshold-metric': 'VMemoryUsageMeanVnf',
    '#threshold-value': '95.5',
    '#threshold-hysteresis': '2',
  });
  await h.page.waitForFunction(() =>
    /^threshold \S+ created$/.test(document.querySelector('#flash')?.textContent ?? ''),
  );
  expect(await text('#threshold-error')).toBe('');
  thresholdId = /^threshold (\S+) created$/.exec((await text('#flash')) as string)![1]!;
  const trow = h.page.locator(`#thresholds tr[data-id="${thresholdId}"]`);
  await trow.waitFor();
  const want = [thresholdId, nat.id, 'VMemoryUsageMeanVnf', '95.5', '2'];
  expect((await trow.locator('td').allTextContents()).slice(0, 5)).toEqual(want);
  await shot('21-pm-created');
}, 60_000);

it("the job's newest report appears; opened, it shows the values of the API's report", async () => {
  const link = h.page.locator(`#report-${jobId}`);
  await link.waitFor({ timeout: 20_000 });
  await link.click();
  await h.page.waitForSelector('#report-entries tr[data-id]');
  const heading = (await text('#report h4')) as string;
  const reportId = new RegExp(`^Report (\\S+) of PM job ${jobId} `).exec(heading)![1]!;
  const rows = await h.page
    .locator('#report-entries tr[data-id]')
    .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
  const report = await call<PerformanceReport>('GET', `/vnfpm/v1/pm_jobs/${jobId}/reports/${reportId}`);
  expect(report.status).toBe(200);
  const expected = report.body.entries.flatMap((e) =>
    e.performanceValues.map((v) => [
      e.objectInstanceId,
      e.subObjectInstanceId ?? '',
      e.performanceMetric,
      Object.entries(v.context ?? {})
        .map(([k, x]) => `${k}=${String(x)}`)
        .join(', '),
      v.timeStamp,
      String(v.value),
    ]),
  );
  expect(rows).toEqual(expected); // every value, with its time, as the API's report JSON has it
  // both measurements of the nat's VNFC: a CPU mean and the ports' packet counters
  expect(rows.find((r) => r[2] === 'VCpuUsageMeanVnf')?.[1]).toBe(nat.instantiatedVnfInfo!.vnfcResourceInfo![0]!.id);
  expect(rows.some((r) => r[2] === 'PacketIncomingVnfExtCp' && /^port=/.test(r[3] as string))).toBe(true);
  await shot('22-pm-report');
}, 60_000);

it("the instance page links to its own PM view: the other instance's job is not listed there", async () => {
  await h.page.goto(`${h.vnfm.url as string}/#/instance/${nat.id}`);
  await h.page.click('#instance-performance');
  await h.page.waitForSelector('h2:text("Performance of")');
  expect(new URL(h.page.url()).hash).toBe(`#/pm?instance=${nat.id}`);
  await h.page.waitForSelector(`#pm-jobs tr[data-id="${jobId}"]`);
  await h.page.waitForSelector(`#thresholds tr[data-id="${thresholdId}"]`);
  expect(await h.page.locator(`#pm-jobs tr[data-id="${otherJob.id}"]`).count()).toBe(0);
  expect(await h.page.locator('#job-instance').inputValue()).toBe(nat.id);
  await shot('23-pm-of-instance');
}, 30_000);

it('Delete, confirmed, removes the job (and its report shown) and the threshold; dismissed, keeps them', async () => {
  await h.page.click(`#report-${jobId}`);
  await h.page.waitForSelector('#report-entries tr[data-id]');
  h.page.once('dialog', (d) => void d.dismiss());
  await h.page.click(`#delete-job-${jobId}`);
  await h.page.waitForTimeout(300);
  expect((await call('GET', `/vnfpm/v1/pm_jobs/${jobId}`)).status).toBe(200);

  h.page.once('dialog', (d) => void d.accept());
  await h.page.click(`#delete-job-${jobId}`);
  await h.page.waitForSelector(`#pm-jobs tr[data-id="${jobId}"]`, { state: 'detached' });
  expect(await text('#flash')).toBe(`PM job ${jobId} deleted`);
  expect((await call('GET', `/vnfpm/v1/pm_jobs/${jobId}`)).status).toBe(404);
  await h.page.waitForSelector('#report-entries', { state: 'detached' }); // the report shown went with its job

  h.page.once('dialog', (d) => void d.accept());
  await h.page.click(`#delete-threshold-${thresholdId}`);
  await h.page.waitForSelector(`#thresholds tr[data-id="${thresholdId}"]`, { state: 'detached' });
  expect((await call('GET', `/vnfpm/v1/thresholds/${thresholdId}`)).status).toBe(404);
  expect(await text('#thresholds')).toBe('no thresholds');
  await shot('24-pm-deleted');
  expect(h.pageErrors).toEqual([]);
  expect(h.cspViolations).toEqual([]);
}, 30_000);

/**
 * The console's Performance Management (/vnfpm/v1): #/pm lists the PM jobs (with their newest report, shown on
 * demand as a table of its values) and the thresholds, of every instance or of one (#/pm?instance=<id>), each with a
 * Delete button, and has a form to create each for an instantiated instance. Both lists are read again every few
 * seconds, so a new report appears by itself; the API's ProblemDetails are shown next to the form that caused them.
 */
import { api, ApiError, listUrl } from './api';
import { app, button, every, h, say, table, type Obj } from './ui';

const REFRESH_MS = 2000;

/** The measurements of every instance (docs/performance-management.md): ETSI GS NFV-IFA 027 names. */
const FIXED_METRICS = [
  'VCpuUsageMeanVnf',
  'VCpuUsagePeakVnf',
  'VMemoryUsageMeanVnf',
  'VMemoryUsagePeakVnf',
  ...['Packet', 'Byte'].flatMap((what) =>
    ['Incoming', 'Outgoing'].flatMap((way) => [`${what}${way}VnfExtCp`, `${what}${way}RateVnfExtCp`]),
  ),
];

type OnLeave = (stop: () => void) => void;

/** The hash route of the PM view, of one instance when `instanceId` is given. */
export const pmHref = (instanceId?: string): string =>
  instanceId === undefined ? '#/pm' : `#/pm?instance=${encodeURIComponent(instanceId)}`;

/** The instance page's link to the instance's PM jobs and thresholds. */
export const performanceLink = (instanceId: string): HTMLElement =>
  h('p', {}, h('a', { href: pmHref(instanceId), id: 'instance-performance' }, 'Performance'));

const instanceLink = (id: string): HTMLElement => h('a', { href: `#/instance/${id}` }, id);
const empty = (id: string, text: string): HTMLElement => h('p', { id, class: 'pm-empty' }, text);
const names = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const errorText = (err: unknown): string => (err instanceof ApiError ? err.message : String(err));

/** Keeps `host` showing `render(await load())`, read every REFRESH_MS and redrawn only when the list changed. */
function live(host: HTMLElement, load: () => Promise<Obj[]>, render: (rows: Obj[]) => Node, onLeave: OnLeave) {
  let shown = '';
  const refresh = async (): Promise<void> => {
    const rows = await load().catch((err: unknown) => {
      shown = '';
      host.replaceChildren(h('p', { class: 'form-error' }, errorText(err)));
      throw err;
    });
    const text = JSON.stringify(rows);
    if (text === shown) return;
    shown = text;
    host.replaceChildren(render(rows));
  };
  every(REFRESH_MS, refresh, onLeave);
  return refresh;
}

/** The newest report a job lists (by readyTime), if any. */
function newestReport(job: Obj): Obj | undefined {
  const reports = [...((job['reports'] ?? []) as Obj[])];
  return reports.sort((a, b) => String(b['readyTime']).localeCompare(String(a['readyTime'])))[0];
}

/** Shows the report (as the job lists it: its absolute href) in `host`, one row per value. */
async function showReport(host: HTMLElement, jobId: string, report: Obj): Promise<void> {
  const path = new URL(String(report['href']), location.origin).pathname;
  const entries = (await api<{ entries: Obj[] }>('GET', path)).body.entries;
  const rows = entries.flatMap((e) => ((e['performanceValues'] ?? []) as Obj[]).map((v) => ({ ...e, ...v })));
  const context = (r: Obj): string =>
    Object.entries((r['context'] ?? {}) as Obj)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
  const title = `Report ${path.split('/').pop() ?? ''} of PM job ${jobId} `;
  host.dataset['job'] = jobId;
  host.replaceChildren(
    h('h4', {}, title, h('small', {}, String(report['readyTime']))),
    table(
      rows.map((r, i) => ({ ...r, id: String(i) })),
      [
        ['object instance', (r) => instanceLink(String(r['objectInstanceId']))],
        ['VNFC', (r) => String(r['subObjectInstanceId'] ?? '')],
        ['metric', (r) => String(r['performanceMetric'])],
        ['context', context],
        ['time', (r) => String(r['timeStamp'])],
        ['value', (r) => String(r['value'])],
      ],
      'report-entries',
    ),
    button('Close', 'report-close', async () => void host.replaceChildren()),
  );
}

/** A Delete button that asks first, then DELETEs `path` and refreshes. */
function deleteButton(what: string, id: string, path: string, refresh: () => Promise<void>): HTMLElement {
  const kind = what.split(' ').pop() as string;
  return button('Delete', `delete-${kind}-${id}`, async () => {
    if (!window.confirm(`Delete ${what} ${id}?`)) return;
    await api('DELETE', path);
    say(`${what} ${id} deleted`);
    await refresh();
  });
}

function jobsTable(jobs: Obj[], reportHost: HTMLElement, refresh: () => Promise<void>): HTMLElement {
  const shown = reportHost.dataset['job'];
  if (shown !== undefined && !jobs.some((j) => j['id'] === shown)) reportHost.replaceChildren(); // its job is gone
  if (jobs.length === 0) return empty('pm-jobs', 'no PM jobs');
  const crit = (j: Obj): Obj => (j['criteria'] ?? {}) as Obj;
  const metrics = (j: Obj): string =>
    [...names(crit(j)['performanceMetric']), ...names(crit(j)['performanceMetricGroup'])].join(', ');
  const periods = (j: Obj): string =>
    `${String(crit(j)['collectionPeriod'])} s / ${String(crit(j)['reportingPeriod'])} s`;
  const instances = (j: Obj): Node =>
    h('span', { class: 'instances' }, ...names(j['objectInstanceIds']).map(instanceLink));
  const report = (j: Obj): Node => {
    const r = newestReport(j);
    if (r === undefined) return h('span', { class: 'no-report' }, 'none yet');
    const show = button(String(r['readyTime']), `report-${String(j['id'])}`, () =>
      showReport(reportHost, String(j['id']), r),
    );
    show.className = 'link'; // it shows the report below, as a link would
    return show;
  };
  return table(
    jobs,
    [
      ['id', (j) => String(j['id'])],
      ['object instances', instances],
      ['metrics', metrics],
      ['collection / reporting', periods],
      ['newest report', report],
      ['', (j) => deleteButton('PM job', String(j['id']), `/vnfpm/v1/pm_jobs/${String(j['id'])}`, refresh)],
    ],
    'pm-jobs',
  );
}

function thresholdsTable(thresholds: Obj[], refresh: () => Promise<void>): HTMLElement {
  if (thresholds.length === 0) return empty('thresholds', 'no thresholds');
  const crit = (t: Obj): Obj => (t['criteria'] ?? {}) as Obj;
  const simple = (t: Obj): Obj => (crit(t)['simpleThresholdDetails'] ?? {}) as Obj;
  return table(
    thresholds,
    [
      ['id', (t) => String(t['id'])],
      ['object instance', (t) => instanceLink(String(t['objectInstanceId']))],
      ['metric', (t) => String(crit(t)['performanceMetric'])],
      ['value', (t) => String(simple(t)['thresholdValue'])],
      ['hysteresis', (t) => String(simple(t)['hysteresis'])],
      ['', (t) => deleteButton('threshold', String(t['id']), `/vnfpm/v1/thresholds/${String(t['id'])}`, refresh)],
    ],
    'thresholds',
  );
}

/**
 * The datalist of measurement names: the fixed ones and the Click handlers the instance's VNFCs reported in their
 * latest samples. Only suggestions: if the samples cannot be read, the fixed names (the API judges the name).
 */
async function metricNames(datalist: HTMLElement, instanceId: string): Promise<void> {
  const all = new Set(FIXED_METRICS);
  const show = (): void => datalist.replaceChildren(...[...all].map((n) => h('option', { value: n })));
  show();
  const base = `/clickvnfm/v1/vnf_instances/${instanceId}/vnfcs`;
  if (instanceId !== '')
    for (const v of (await api<Obj[]>('GET', base).catch(() => undefined))?.body ?? []) {
      const path = `${base}/${encodeURIComponent(String(v['id']))}/samples?n=1`;
      const samples = await api<Array<{ el?: Array<[string, string, number]> }>>('GET', path).catch(() => undefined);
      for (const [el, handler] of samples?.body[0]?.el ?? []) all.add(`ClickElement.${el}.${handler}`);
    }
  show();
}

/** What a create form POSTs: `body` from the chosen instance and the form's inputs by name. */
interface FormSpec {
  prefix: 'job' | 'threshold';
  what: string;
  path: string;
  fields: HTMLElement[];
  body: (instanceId: string, value: (name: string) => string) => Obj;
}

/** A create form (`prefix`-form) for a chosen instantiated instance; the API's error beside it (`prefix`-error). */
function createForm(spec: FormSpec, instances: Obj[], chosen: string | undefined, refresh: () => Promise<void>) {
  const { prefix } = spec;
  const select = h('select', { id: `${prefix}-instance`, name: 'instance' }) as HTMLSelectElement;
  const label = (i: Obj): string => `${String(i['vnfInstanceName'] ?? i['id'])} (${String(i['id'])})`;
  select.append(...instances.map((i) => h('option', { value: String(i['id']) }, label(i))));
  if (chosen !== undefined && instances.some((i) => i['id'] === chosen)) select.value = chosen;
  const error = h('span', { id: `${prefix}-error`, class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', id: `${prefix}-create` }, 'Create');
  const form = h('form', { id: `${prefix}-form`, class: 'pm-form' }, h('strong', {}, `New ${spec.what}:`));
  form.append(h('label', {}, 'instance ', select));
  form.append(...spec.fields, submit, error);
  const value = (name: string): string => (form.querySelector(`[name="${name}"]`) as HTMLInputElement).value.trim();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    error.textContent = '';
    api<Obj>('POST', spec.path, spec.body(select.value, value))
      .then(async (created) => {
        say(`${spec.what} ${String(created.body['id'])} created`);
        await refresh();
      })
      .catch((err: unknown) => (error.textContent = errorText(err)));
  });
  return { form, select };
}

const input = (label: string, name: string, more: Record<string, string>): HTMLElement =>
  h('label', {}, `${label} `, h('input', { id: name, name, ...more }));
const metricInput = (id: string): HTMLElement =>
  input(id.startsWith('job') ? 'metrics' : 'metric', id, { list: 'pm-metrics', size: '40', required: '' });
const numberInput = (label: string, id: string, more: Record<string, string>): HTMLElement =>
  input(label, id, { type: 'number', required: '', ...more });

const JOB_FORM = (): FormSpec => ({
  prefix: 'job',
  what: 'PM job',
  path: '/vnfpm/v1/pm_jobs',
  fields: [
    metricInput('job-metric'),
    numberInput('collection period (s)', 'job-collection', { min: '1', value: '10' }),
    numberInput('reporting period (s)', 'job-reporting', { min: '1', value: '60' }),
  ],
  body: (instanceId, value) => ({
    objectType: 'Vnf',
    objectInstanceIds: [instanceId],
    criteria: {
      performanceMetric: value('job-metric')
        .split(/[\s,]+/)
        .filter((m) => m !== ''),
      collectionPeriod: Number(value('job-collection')),
      reportingPeriod: Number(value('job-reporting')),
    },
  }),
});

const THRESHOLD_FORM = (): FormSpec => ({
  prefix: 'threshold',
  what: 'threshold',
  path: '/vnfpm/v1/thresholds',
  fields: [
    metricInput('threshold-metric'),
    numberInput('value', 'threshold-value', { step: 'any' }),
    numberInput('hysteresis', 'threshold-hysteresis', { step: 'any', min: '0', value: '0' }),
  ],
  body: (instanceId, value) => ({
    objectType: 'Vnf',
    objectInstanceId: instanceId,
    criteria: {
      performanceMetric: value('threshold-metric'),
      thresholdType: 'SIMPLE',
      simpleThresholdDetails: {
        thresholdValue: Number(value('threshold-value')),
        hysteresis: Number(value('threshold-hysteresis')),
      },
    },
  }),
});

/** #/pm (every instance's PM jobs and thresholds) or #/pm?instance=<id> (those of one instance). */
export async function pmView(instanceId: string | undefined, onLeave: OnLeave): Promise<void> {
  const instances = (await api<Obj[]>('GET', '/vnflcm/v1/vnf_instances')).body.filter(
    (i) => i['instantiationState'] === 'INSTANTIATED',
  );
  const jobsFilter = instanceId === undefined ? undefined : `(eq,objectInstanceIds,${instanceId})`;
  const thresholdsFilter = instanceId === undefined ? undefined : `(eq,objectInstanceId,${instanceId})`;
  const reportHost = h('div', { id: 'report', class: 'pm-report' });
  const jobsHost = h('div', { class: 'pm-jobs' });
  const thresholdsHost = h('div', { class: 'pm-thresholds' });
  const refreshJobs: () => Promise<void> = live(
    jobsHost,
    async () => (await api<Obj[]>('GET', listUrl('/vnfpm/v1/pm_jobs', ['all_fields'], jobsFilter))).body,
    (jobs) => jobsTable(jobs, reportHost, () => refreshJobs()),
    onLeave,
  );
  const refreshThresholds: () => Promise<void> = live(
    thresholdsHost,
    async () => (await api<Obj[]>('GET', listUrl('/vnfpm/v1/thresholds', [], thresholdsFilter))).body,
    (ts) => thresholdsTable(ts, () => refreshThresholds()),
    onLeave,
  );
  const datalist = h('datalist', { id: 'pm-metrics' });
  const job = createForm(JOB_FORM(), instances, instanceId, refreshJobs);
  const threshold = createForm(THRESHOLD_FORM(), instances, instanceId, refreshThresholds);
  for (const { select } of [job, threshold])
    select.addEventListener('change', () => void metricNames(datalist, select.value));
  void metricNames(datalist, job.select.value); // suggestions only: never fails, filled in when read
  const title = instanceId === undefined ? 'Performance' : `Performance of ${instanceId}`;
  app.replaceChildren(
    h('h2', {}, title),
    ...(instanceId === undefined ? [] : [h('p', {}, h('a', { href: pmHref(), id: 'pm-all' }, 'all instances'))]),
    datalist,
    h('h3', {}, 'PM jobs'),
    jobsHost,
    reportHost,
    job.form,
    h('h3', {}, 'Thresholds'),
    thresholdsHost,
    threshold.form,
  );
}

/**
 * The operator console: packages, VNF instances, per-instance VNFCs with NF/API status and Start NF /
 * Stop NF / Shutdown VM, live charts, the Click config editor with inline errors and the element graph.
 * Every change goes through the SOL003 API; the VNFC views use the small /clickvnfm/v1 extension.
 */
import './main.css';
import { api, ApiError, login, task, token } from './api';
import { clickEditor } from './editor';
import { drawGraph } from './graph';
import { VnfcCharts, type Sample } from './charts';

type Obj = Record<string, unknown>;
const app = document.getElementById('app') as HTMLElement;
const flash = document.getElementById('flash') as HTMLElement;
let stopPolling: Array<() => void> = [];

function h(tag: string, attrs: Record<string, string> = {}, ...kids: Array<Node | string>): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
}
function say(text: string, kind: 'ok' | 'error' = 'ok'): void {
  flash.textContent = text;
  flash.className = kind;
}
async function guarded(f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } catch (err) {
    say(err instanceof ApiError ? err.message : String(err), 'error');
  }
}
function button(label: string, id: string, onClick: () => Promise<void>): HTMLElement {
  const b = h('button', { id, type: 'button' }, label);
  b.addEventListener('click', () => void guarded(onClick));
  return b;
}
async function waitOp(path: string, label: string): Promise<Obj> {
  for (;;) {
    const op = (await api<Obj>('GET', path)).body;
    say(`${label}: ${String(op['operationState'])}`);
    if (['COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLED_BACK'].includes(String(op['operationState']))) {
      if (op['operationState'] !== 'COMPLETED')
        say(
          `${label}: ${String(op['operationState'])}: ${String((op['error'] as Obj | undefined)?.['detail'] ?? '')}`,
          'error',
        );
      return op;
    }
    await new Promise((r) => setTimeout(r, 400));
  }
}
function table(rows: Obj[], cols: Array<[string, (r: Obj) => Node | string]>, id: string): HTMLElement {
  const head = h('tr', {}, ...cols.map(([c]) => h('th', {}, c)));
  const body = rows.map((r) => h('tr', { 'data-id': String(r['id']) }, ...cols.map(([, f]) => h('td', {}, f(r)))));
  return h('table', { id }, head, ...body);
}

// ------------------------------------------------------------------ login
function loginView(): void {
  const id = h('input', { id: 'client-id', placeholder: 'client id', autocomplete: 'username' }) as HTMLInputElement;
  const secret = h('input', {
    id: 'client-secret',
    type: 'password',
    placeholder: 'client secret',
    autocomplete: 'current-password',
  }) as HTMLInputElement;
  const form = h(
    'form',
    { id: 'login' },
    h('h2', {}, 'Log in'),
    id,
    secret,
    h('button', { type: 'submit', id: 'login-submit' }, 'Log in'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void guarded(async () => {
      await login(id.value, secret.value);
      say('logged in');
      location.hash = '#/instances';
    });
  });
  app.replaceChildren(form);
}

// ------------------------------------------------------------------ packages
async function packagesView(): Promise<void> {
  const pkgs = (await api<Obj[]>('GET', '/vnfpkgm/v1/vnf_packages')).body;
  const file = h('input', { type: 'file', id: 'csar', accept: '.zip,.csar' }) as HTMLInputElement;
  const upload = button('Upload', 'upload', async () => {
    const f = file.files?.[0];
    if (!f) throw new Error('choose a CSAR first');
    const created = (await api<Obj>('POST', '/vnfpkgm/v1/vnf_packages', {})).body;
    await api('PUT', `/vnfpkgm/v1/vnf_packages/${String(created['id'])}/package_content`, await f.arrayBuffer(), {
      'content-type': 'application/zip',
    });
    say(`package ${String(created['id'])} uploaded; onboarding`);
    for (let i = 0; i < 100; i++) {
      const p = (await api<Obj>('GET', `/vnfpkgm/v1/vnf_packages/${String(created['id'])}`)).body;
      if (p['onboardingState'] === 'ONBOARDED' || p['onboardingFailureDetails']) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await route();
  });
  const state = (p: Obj): Node | string => {
    const f = p['onboardingFailureDetails'] as Obj | undefined;
    if (!f) return String(p['onboardingState']);
    const errs = ((f['errors'] ?? []) as Obj[]).map((e) =>
      h(
        'li',
        {},
        `${e['file'] ? `${String(e['file'])}:${String(e['line'])}:${String(e['column'])}: ` : ''}${String(e['reason'])}`,
      ),
    );
    return h(
      'div',
      { class: 'failure' },
      `${String(p['onboardingState'])}: ${String(f['detail'])}`,
      h('ul', {}, ...errs),
    );
  };
  const toggle = (p: Obj): Node => {
    if (p['onboardingState'] !== 'ONBOARDED') return h('span');
    const to = p['operationalState'] === 'ENABLED' ? 'DISABLED' : 'ENABLED';
    return button(to === 'ENABLED' ? 'Enable' : 'Disable', `toggle-${String(p['id'])}`, async () => {
      await api(
        'PATCH',
        `/vnfpkgm/v1/vnf_packages/${String(p['id'])}`,
        { operationalState: to },
        { 'content-type': 'application/merge-patch+json' },
      );
      await route();
    });
  };
  const create = (p: Obj): Node => {
    if (p['onboardingState'] !== 'ONBOARDED' || p['operationalState'] !== 'ENABLED') return h('span');
    return button('Instantiate', `instantiate-${String(p['vnfdId'])}`, async () => {
      const inst = (
        await api<Obj>('POST', '/vnflcm/v1/vnf_instances', {
          vnfdId: p['vnfdId'],
          vnfInstanceName: `${String(p['vnfProductName'])}-${Date.now() % 100000}`,
        })
      ).body;
      const op = await task('POST', `/vnflcm/v1/vnf_instances/${String(inst['id'])}/instantiate`, {
        flavourId: 'simple',
      });
      location.hash = `#/instance/${String(inst['id'])}`;
      await waitOp(op, 'INSTANTIATE');
      await route();
    });
  };
  app.replaceChildren(
    h('h2', {}, 'VNF packages'),
    h('div', { class: 'upload' }, file, upload),
    table(
      pkgs,
      [
        ['product', (p) => String(p['vnfProductName'] ?? '')],
        ['vnfdId', (p) => String(p['vnfdId'] ?? '')],
        ['onboarding', state],
        ['operational', (p) => String(p['operationalState'])],
        ['', toggle],
        ['', create],
      ],
      'packages',
    ),
  );
}

// ------------------------------------------------------------------ instances
async function instancesView(): Promise<void> {
  const list = (await api<Obj[]>('GET', '/vnflcm/v1/vnf_instances')).body;
  app.replaceChildren(
    h('h2', {}, 'VNF instances'),
    table(
      list,
      [
        ['name', (i) => h('a', { href: `#/instance/${String(i['id'])}` }, String(i['vnfInstanceName'] ?? i['id']))],
        ['product', (i) => String(i['vnfProductName'])],
        ['state', (i) => String(i['instantiationState'])],
        ['NF', (i) => String((i['instantiatedVnfInfo'] as Obj | undefined)?.['vnfState'] ?? '')],
      ],
      'instances',
    ),
  );
}

async function instanceView(id: string): Promise<void> {
  const res = await api<Obj>('GET', `/vnflcm/v1/vnf_instances/${id}`);
  const inst = res.body;
  const info = inst['instantiatedVnfInfo'] as Obj | undefined;
  const ops = (
    await api<Obj[]>('GET', `/vnflcm/v1/vnf_lcm_op_occs?filter=${encodeURIComponent(`(eq,vnfInstanceId,${id})`)}`)
  ).body.sort((a, b) => String(b['startTime']).localeCompare(String(a['startTime'])));
  const base = `/vnflcm/v1/vnf_instances/${id}`;
  const operate = (label: string, bid: string, body: Obj): HTMLElement =>
    button(label, bid, async () => {
      await waitOp(await task('POST', `${base}/operate`, body), label);
      await route();
    });
  const opRow = (o: Obj): Node => {
    if (o['operationState'] !== 'FAILED_TEMP') return h('span');
    const act = (verb: string): HTMLElement =>
      button(verb, `${verb}-${String(o['id'])}`, async () => {
        await api('POST', `/vnflcm/v1/vnf_lcm_op_occs/${String(o['id'])}/${verb}`);
        if (verb !== 'fail') await waitOp(`/vnflcm/v1/vnf_lcm_op_occs/${String(o['id'])}`, verb);
        await route();
      });
    return h('span', {}, act('retry'), act('rollback'), act('fail'));
  };
  const header = h(
    'div',
    { class: 'instance-head' },
    h('h2', {}, `${String(inst['vnfInstanceName'] ?? id)} `, h('small', {}, id)),
    h(
      'p',
      { id: 'instance-state' },
      `${String(inst['instantiationState'])}${info ? ` · NF ${String(info['vnfState'])}` : ''}`,
    ),
  );
  const running = ops.find((o) => ['STARTING', 'PROCESSING', 'ROLLING_BACK'].includes(String(o['operationState'])));
  const parts: Node[] = [
    header,
    h(
      'p',
      { id: 'running-op' },
      running
        ? `running: ${String(running['operation'])} (${String(running['operationState'])})`
        : 'no operation running',
    ),
  ];
  if (inst['instantiationState'] === 'INSTANTIATED') {
    parts.push(
      h(
        'div',
        { class: 'actions' },
        operate('Start NF', 'start-nf', { changeStateTo: 'STARTED' }),
        operate('Stop NF', 'stop-nf', { changeStateTo: 'STOPPED', stopType: 'GRACEFUL' }),
        operate('Shutdown VM', 'shutdown-vm', {
          changeStateTo: 'STOPPED',
          stopType: 'GRACEFUL',
          additionalParams: { vmPower: true },
        }),
        button('Terminate', 'terminate', async () => {
          await waitOp(await task('POST', `${base}/terminate`, { terminationType: 'FORCEFUL' }), 'TERMINATE');
          await route();
        }),
      ),
    );
    const vnfcs = (await api<Obj[]>('GET', `/clickvnfm/v1/vnf_instances/${id}/vnfcs`)).body;
    parts.push(
      h('h3', {}, 'VNFCs'),
      table(
        vnfcs,
        [
          ['VNFC', (v) => String(v['id'])],
          ['VDU', (v) => String(v['vduId'])],
          ['VM', (v) => String(v['vmStatus'] ?? '')],
          ['management API', (v) => (v['apiReachable'] ? 'up' : 'down')],
          [
            'NF',
            (v) =>
              h(
                'span',
                { class: `nf ${v['nfRunning'] ? 'running' : 'stopped'}` },
                v['nfRunning'] ? 'running' : 'stopped',
              ),
          ],
          ['address', (v) => `${String(v['managementAddress'])}:${String(v['managementPort'] ?? 8000)}`],
        ],
        'vnfcs',
      ),
    );
    const first = vnfcs[0];
    if (first) {
      const charts = h('div', { id: 'charts', class: 'charts' });
      parts.push(h('h3', {}, `Live: ${String(first['id'])}`), charts);
      const c = new VnfcCharts(charts);
      let alive = true;
      stopPolling.push(() => (alive = false));
      const poll = async (): Promise<void> => {
        while (alive) {
          await api<Sample>(
            'GET',
            `/clickvnfm/v1/vnf_instances/${id}/vnfcs/${encodeURIComponent(String(first['id']))}/metrics`,
          )
            .then((r) => c.add(r.body))
            .catch(() => undefined);
          await new Promise((r) => setTimeout(r, 1000));
        }
      };
      void poll();
      // the Click config editor
      const props = (inst['vnfConfigurableProperties'] ?? {}) as Obj;
      const running =
        typeof props['clickConfig'] === 'string'
          ? (props['clickConfig'] as string)
          : (
              await api<{ text: string }>(
                'GET',
                `/clickvnfm/v1/vnf_instances/${id}/vnfcs/${encodeURIComponent(String(first['id']))}/config`,
              )
            ).body.text;
      const edHost = h('div', { id: 'editor' });
      const graphHost = h('div', { id: 'graph' });
      const problems = h('ul', { id: 'problems' });
      parts.push(h('h3', {}, 'Click configuration'), edHost);
      const ed = clickEditor(edHost, running);
      const validate = (): number => {
        const r = ed.validate();
        problems.replaceChildren(...r.diagnostics.map((d) => h('li', { class: d.severity }, d.message)));
        graphHost.replaceChildren(...(r.graph ? [drawGraph(r.graph)] : []));
        return r.errors;
      };
      parts.push(
        h(
          'div',
          { class: 'actions' },
          button('Validate', 'validate', async () => {
            const n = validate();
            say(n === 0 ? 'the configuration is valid' : `${n} error(s)`, n === 0 ? 'ok' : 'error');
          }),
          button('Update Config', 'update-config', async () => {
            if (validate() > 0) throw new Error('fix the errors first');
            const etag = (await api('GET', base)).headers.get('etag') ?? '';
            await waitOp(
              await task(
                'PATCH',
                base,
                { vnfConfigurableProperties: { clickConfig: ed.text() } },
                { 'content-type': 'application/merge-patch+json', 'if-match': etag },
              ),
              'MODIFY_INFO',
            );
            await route();
          }),
          button('Clear', 'clear', async () => {
            ed.set('');
            problems.replaceChildren();
            graphHost.replaceChildren();
          }),
        ),
        problems,
        h('h3', {}, 'Element graph'),
        graphHost,
      );
      setTimeout(validate, 0);
    }
  } else {
    parts.push(
      h(
        'div',
        { class: 'actions' },
        button('Instantiate', 'instantiate', async () => {
          await waitOp(await task('POST', `${base}/instantiate`, { flavourId: 'simple' }), 'INSTANTIATE');
          await route();
        }),
        button('Delete', 'delete', async () => {
          await api('DELETE', base);
          location.hash = '#/instances';
        }),
      ),
    );
  }
  parts.push(
    h('h3', {}, 'Operations'),
    table(
      ops,
      [
        ['operation', (o) => String(o['operation'])],
        ['state', (o) => String(o['operationState'])],
        ['started', (o) => String(o['startTime'])],
        ['error', (o) => String((o['error'] as Obj | undefined)?.['detail'] ?? '')],
        ['', opRow],
      ],
      'ops',
    ),
  );
  app.replaceChildren(...parts);
}

// ------------------------------------------------------------------ routing
async function route(): Promise<void> {
  for (const s of stopPolling) s();
  stopPolling = [];
  const hash = location.hash || '#/instances';
  const who = document.getElementById('who') as HTMLElement;
  if (!token.get() || hash === '#/login') {
    who.textContent = '';
    return loginView();
  }
  who.replaceChildren(
    button('Log out', 'logout', async () => {
      token.clear();
      location.hash = '#/login';
    }),
  );
  await guarded(async () => {
    const m = /^#\/instance\/(.+)$/.exec(hash);
    if (m) await instanceView(m[1] as string);
    else if (hash.startsWith('#/packages')) await packagesView();
    else await instancesView();
  });
}
window.addEventListener('hashchange', () => void route());
void route();

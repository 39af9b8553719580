/** The VNFC part of an instance page: the VNFC table, every VNFC's live charts, the first one's Click config editor. */
import { api, task } from './api';
import { clickEditor } from './editor';
import { drawGraph } from './graph';
import { VnfcCharts, type StoredSample } from './charts';
import { button, every, h, say, table, waitOp, type Obj, type Route } from './ui';

function vnfcTable(vnfcs: Obj[]): HTMLElement {
  return table(
    vnfcs,
    [
      ['VNFC', (v) => String(v['id'])],
      ['VDU', (v) => String(v['vduId'])],
      ['VM', (v) => String(v['vmStatus'] ?? '')],
      ['management API', (v) => (v['apiReachable'] ? 'up' : 'down')],
      [
        'NF',
        (v) =>
          h('span', { class: `nf ${v['nfRunning'] ? 'running' : 'stopped'}` }, v['nfRunning'] ? 'running' : 'stopped'),
      ],
      ['address', (v) => `${String(v['managementAddress'])}:${String(v['managementPort'] ?? 8000)}`],
    ],
    'vnfcs',
  );
}

/** How often the charts read the stored samples (the monitor adds one per interval: monitor.intervalMs). */
const CHARTS_REFRESH_MS = 2000;

/** Live charts of every VNFC from the samples the monitor stores, each redrawn every CHARTS_REFRESH_MS. */
function liveCharts(id: string, vnfcs: Obj[], onLeave: (stop: () => void) => void): Node[] {
  const sections = vnfcs.map((v, i) => {
    const vnfcId = String(v['id']);
    const host = h('div', { id: `charts-${i}`, class: 'charts', 'data-vnfc': vnfcId });
    const charts = new VnfcCharts(host);
    const path = `/clickvnfm/v1/vnf_instances/${id}/vnfcs/${encodeURIComponent(vnfcId)}/samples?n=120`;
    every(CHARTS_REFRESH_MS, async () => charts.show((await api<StoredSample[]>('GET', path)).body), onLeave);
    return h('section', { class: 'vnfc-live' }, h('h4', {}, `${vnfcId} `, h('small', {}, String(v['vduId']))), host);
  });
  return [h('h3', {}, 'Live charts'), h('div', { id: 'live' }, ...sections)];
}

/** The Click config editor with Validate / Update Config / Clear, its problems and element graph. */
async function configEditor(inst: Obj, base: string, vnfcPath: string, route: Route): Promise<Node[]> {
  const props = (inst['vnfConfigurableProperties'] ?? {}) as Obj;
  const running =
    typeof props['clickConfig'] === 'string'
      ? (props['clickConfig'] as string)
      : (await api<{ text: string }>('GET', `${vnfcPath}/config`)).body.text;
  const edHost = h('div', { id: 'editor' });
  const graphHost = h('div', { id: 'graph' });
  const problems = h('ul', { id: 'problems' });
  const ed = clickEditor(edHost, running);
  const validate = (): number => {
    const r = ed.validate();
    problems.replaceChildren(...r.diagnostics.map((d) => h('li', { class: d.severity }, d.message)));
    graphHost.replaceChildren(...(r.graph ? [drawGraph(r.graph)] : []));
    return r.errors;
  };
  const actions = h(
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
  );
  setTimeout(validate, 0);
  return [h('h3', {}, 'Click configuration'), edHost, actions, problems, h('h3', {}, 'Element graph'), graphHost];
}

/** The VNFC section of an instantiated VNF instance `id`. */
export async function vnfcSection(
  id: string,
  inst: Obj,
  route: Route,
  onLeave: (stop: () => void) => void,
): Promise<Node[]> {
  const base = `/vnflcm/v1/vnf_instances/${id}`;
  const vnfcs = (await api<Obj[]>('GET', `/clickvnfm/v1/vnf_instances/${id}/vnfcs`)).body;
  const parts: Node[] = [h('h3', {}, 'VNFCs'), vnfcTable(vnfcs)];
  parts.push(...liveCharts(id, vnfcs, onLeave));
  const first = vnfcs[0];
  if (first) {
    const vnfcPath = `/clickvnfm/v1/vnf_instances/${id}/vnfcs/${encodeURIComponent(String(first['id']))}`;
    parts.push(...(await configEditor(inst, base, vnfcPath, route)));
  }
  return parts;
}

/** The console's VNF packages page: upload a CSAR, its onboarding errors, enable / disable, instantiate. */
import { api, task } from './api';
import { app, button, h, say, table, waitOp, type Obj, type Route } from './ui';

/** `file:line:column: ` of an onboarding error, or nothing when it names no file. */
function errorPlace(e: Obj): string {
  return e['file'] ? `${String(e['file'])}:${String(e['line'])}:${String(e['column'])}: ` : '';
}

export async function packagesView(route: Route): Promise<void> {
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
    const errs = ((f['errors'] ?? []) as Obj[]).map((e) => h('li', {}, `${errorPlace(e)}${String(e['reason'])}`));
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

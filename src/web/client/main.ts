/**
 * The operator console: packages, VNF instances, per-instance VNFCs with NF/API status and Start NF /
 * Stop NF / Shutdown VM, every VNFC's live charts, alarms (acknowledge), PM jobs and thresholds (create, delete,
 * a job's newest report), the Click config editor with inline errors and the element graph.
 * Every change goes through the SOL003 API; the VNFC views use the small /clickvnfm/v1 extension.
 * This module routes by the location hash; the views are in login-view.ts, packages-view.ts,
 * instances-view.ts, vnfc-view.ts, alarms-view.ts and pm-view.ts, their DOM helpers in ui.ts.
 */
import './main.css';
import { token } from './api';
import { button, guarded } from './ui';
import { loginView } from './login-view';
import { packagesView } from './packages-view';
import { instancesView, instanceView } from './instances-view';
import { alarmsView } from './alarms-view';
import { pmView } from './pm-view';

let stopPolling: Array<() => void> = [];

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
    const onLeave = (stop: () => void): void => {
      stopPolling.push(stop);
    };
    const pm = /^#\/pm(?:\?(.*))?$/.exec(hash);
    if (m) await instanceView(m[1] as string, route, onLeave);
    else if (pm) await pmView(new URLSearchParams(pm[1] ?? '').get('instance') ?? undefined, onLeave);
    else if (hash.startsWith('#/packages')) await packagesView(route);
    else if (hash.startsWith('#/alarms')) alarmsView(onLeave);
    else await instancesView();
  });
}
window.addEventListener('hashchange', () => void route());
void route();

/**
 * The day-1/2 part of the OSM descriptor: OSM's `day1-2` entry of a Click VDU, run by our proxy charm
 * (osm/charms/clickosv-proxy). Pure.
 */
import type { VduModel } from './model';
import type { OsmDay12 } from './osm-types';

/** The proxy charm's name in the package's charms/ folder, and its execution environment's id. */
export const OSM_CHARM = 'clickosv-proxy';

/**
 * Day 1 (and 2) of each VDU with a Click configuration: OSM deploys our proxy charm for every VNFC of the VDU
 * (scale-out ones too) and runs `config` (where the VM's REST API is, how to talk to it) and then
 * `push-click-config` (stop, write, start and check Click), which stays available as a day-2 primitive.
 */
export function day12(v: VduModel, ext: string): OsmDay12 {
  const m = v.management;
  const env = OSM_CHARM;
  const config = v.clickConfig?.text ?? '';
  // every value a string: the charm's config options are strings (Juju refuses an int for a string option)
  const str = (name: string, value: string | number) => ({
    name,
    value: String(value),
    'data-type': 'STRING' as const,
  });
  return {
    id: v.id,
    'execution-environment-list': [
      { id: env, 'external-connection-point-ref': ext, juju: { charm: OSM_CHARM, proxy: true } },
    ],
    'initial-config-primitive': [
      {
        seq: 1,
        name: 'config',
        'execution-environment-ref': env,
        parameter: [
          str('host', '<rw_mgmt_ip>'),
          str('dialect', m.dialect),
          str('api-port', m.apiPort),
          str('controlsocket-port', m.controlSocketPort),
          str('grace-ms', m.readiness.graceMs),
          str('interval-ms', m.readiness.intervalMs),
          str('deadline-ms', m.readiness.deadlineMs),
        ],
      },
      { seq: 2, name: 'push-click-config', 'execution-environment-ref': env, parameter: [str('config', config)] },
    ],
    'config-primitive': [
      {
        name: 'push-click-config',
        'execution-environment-ref': env,
        parameter: [{ name: 'config', 'data-type': 'STRING', 'default-value': config }],
      },
      { name: 'click-status', 'execution-environment-ref': env },
    ],
  };
}

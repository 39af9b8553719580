/**
 * The emulator against the real VM: the steps of osv-fidelity-steps.ts run on an EmulatedVm configured like the
 * real image (Click running the image's own /func.click at boot, the ControlSocket forwarded from 8001), normalized
 * the same way, compared step by step with what the real image answered (test/fixtures/osv-real/steps.json, captured
 * by test/realvm/capture-osv.test.ts). A difference kept on purpose is listed in KEPT with its reason; the emulator
 * must then answer exactly what KEPT says it does, so that a change either way shows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatedVm } from '../../src/emulator';
import { controlSocket, runSteps, type Observation } from './osv-fidelity-steps';
import { bootForwardedOsvVm } from '../support/osv-vm';

interface Fixture {
  image: { osvVersion: string; clickVersion: string };
  steps: Observation[];
}

const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/osv-real/steps.json'), 'utf8')) as Fixture;
const BOOT_CONFIG = readFileSync(join(__dirname, '../../image-build/osv-module/click/func.click'), 'utf8');

type Field = 'status' | 'contentType' | 'body';

/** A difference the emulator keeps: what it answers instead, and why. */
interface Kept {
  step: string;
  field: Field;
  emulator: string | number | null;
  reason: string;
}

export const KEPT: Kept[] = [
  {
    step: 'GET /os/version',
    field: 'body',
    emulator: '"v0.57.0-clickvnfm-emulator"',
    reason: 'test/realvm/minicloud.test.ts tells the real VM from the emulator by this version string',
  },
];

let observed: Observation[] = [];
let vm: EmulatedVm;

beforeAll(async () => {
  const booted = await bootForwardedOsvVm({ bootConfig: BOOT_CONFIG });
  vm = booted.vm;
  const target = { host: '127.0.0.1', apiPort: booted.endpoint.port, controlPort: booted.endpoint.controlSocketPort! };
  // a fresh VM as the capture found it: the API answers and the boot Click's ControlSocket greets
  expect((await controlSocket(target, '')).status).toBe(200);
  observed = await runSteps(target);
}, 60_000);

afterAll(async () => vm?.powerOff());

it('runs the same steps as the capture', () => {
  expect(observed.map((o) => o.step)).toEqual(fixture.steps.map((s) => s.step));
});

describe.each(fixture.steps.map((s, i) => [s.step, i] as const))('%s', (step, i) => {
  it.each(['status', 'contentType', 'body'] as const)('%s as the real VM', (field) => {
    const real = fixture.steps[i]![field];
    const got = observed[i]?.[field];
    const kept = KEPT.find((k) => k.step === step && k.field === field);
    if (kept !== undefined) {
      expect(real).not.toEqual(kept.emulator);
      expect(got).toEqual(kept.emulator);
    } else expect(got).toEqual(real);
  });
});

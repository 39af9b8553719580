/**
 * Captures what the real Click-on-OSv image answers to the fidelity steps (test/agent/osv-fidelity-steps.ts) into
 * test/fixtures/osv-real/steps.json, which test/agent/emulator-fidelity.test.ts holds the emulator to. Boots the
 * image under QEMU (test/support/qemu-vm.ts), waits for its API and for the boot Click's ControlSocket, runs the
 * steps and writes them with the image's metadata:
 *
 *   CLICKVNFM_REALVM_IMAGE=/path/click-on-osv-modern.qcow2 \
 *     npx jest --roots test/realvm --testPathIgnorePatterns /node_modules/ --testPathPattern capture
 *
 * Not part of `npm test` (jest.config.js leaves test/realvm out): CI has no image.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { controlSocket, runSteps, type FidelityTarget } from '../agent/osv-fidelity-steps';
import { bootQemuVm } from '../support/qemu-vm';

const image = process.env['CLICKVNFM_REALVM_IMAGE'] ?? '';
if (image === '') throw new Error('set CLICKVNFM_REALVM_IMAGE to the built image (click-on-osv-modern.qcow2)');

/** Until the API answers /os/version and the boot Click's ControlSocket greets. */
async function ready(t: FidelityTarget): Promise<number> {
  const t0 = Date.now();
  for (const end = t0 + 180_000; Date.now() < end; await sleep(250)) {
    const up = await fetch(`http://${t.host}:${t.apiPort}/os/version`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up && (await controlSocket(t, '', '', 2000)).status === 200) return Date.now() - t0;
  }
  throw new Error('the VM did not answer in 180 s');
}

it('captures the real VM', async () => {
  const vm = await bootQemuVm(image);
  try {
    const target = { host: '127.0.0.1', apiPort: vm.endpoint.port, controlPort: vm.endpoint.controlSocketPort! };
    const readyMs = await ready(target);
    const steps = await runSteps(target);
    const data = (name: string): string => {
      const b = steps.find((s) => s.step === name)?.body ?? '';
      return b.slice(b.indexOf('\r\nDATA ') + 2).replace(/^DATA \d+\r\n/, '');
    };
    const fixture = {
      note:
        'Our own observations of the Click-on-OSv image (image-build/, variant modern) under QEMU TCG, written by ' +
        'test/realvm/capture-osv.test.ts; bodies normalized as test/agent/osv-fidelity-steps.ts says.',
      captured: new Date().toISOString(),
      image: {
        file: basename(image),
        bytes: statSync(image).size,
        osvVersion: JSON.parse(steps[0]?.body ?? '""') as string,
        clickVersion: data('READ version'),
        qemu: '-m 512 -smp 2, TCG, user networking (8000 and 8001 forwarded)',
        readyMs,
      },
      steps,
    };
    const dir = join(__dirname, '../fixtures/osv-real');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'steps.json'), `${JSON.stringify(fixture, null, 2)}\n`);
    const artifacts = join(__dirname, '../../test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, 'capture-osv-console.log'), vm.console());
  } finally {
    await vm.close();
  }
}, 600_000);

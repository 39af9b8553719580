/**
 * The osv-controlsocket agent contract (test/agent/osv-contract.ts) against a real Click-on-OSv VM under QEMU:
 * `npm run test:realvm -- --image PATH` (scripts/test-realvm.sh sets CLICKVNFM_REALVM_IMAGE). Not part of
 * `npm test` (jest.config.js leaves test/realvm out): CI has no image. The VM's console goes to
 * test-artifacts/realvm-console.log.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeOsvContract } from '../agent/osv-contract';
import { bootQemuVm } from '../support/qemu-vm';

const image = process.env['CLICKVNFM_REALVM_IMAGE'];
if (image === undefined || image === '') throw new Error('CLICKVNFM_REALVM_IMAGE is not set: run npm run test:realvm');

describeOsvContract(`real VM ${image}`, async () => {
  const vm = await bootQemuVm(image);
  return {
    endpoint: vm.endpoint,
    // TCG: OSv answers within a few seconds of QEMU's start, 10 s from disk at worst (docs/image-build.md)
    readyDeadlineMs: 120_000,
    close: async () => {
      await vm.close();
      const dir = join(__dirname, '../../test-artifacts');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'realvm-console.log'), vm.console());
    },
  };
});

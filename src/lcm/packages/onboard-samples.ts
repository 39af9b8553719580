import { randomUUID } from 'node:crypto';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { VnfPackageRepository } from '../../ports/package-store';
import { buildPackage, type TypeLibrary } from '../../tosca';
import { onboardPackage } from './onboard-package';

/**
 * Onboards and enables every sample package under `vnfdDir` whose VNFD is not onboarded yet, so a
 * new user can create and instantiate one at once. Idempotent; `lock` keeps two starting processes
 * from doing it twice.
 */
export async function onboardSamples(
  repo: VnfPackageRepository,
  library: TypeLibrary,
  vnfdDir: string,
  lock: () => Promise<boolean>,
): Promise<Array<{ name: string; vnfPkgId?: string; result: 'onboarded' | 'present' | 'failed'; detail?: string }>> {
  if (!existsSync(vnfdDir) || !(await lock())) return [];
  const out: Array<{ name: string; vnfPkgId?: string; result: 'onboarded' | 'present' | 'failed'; detail?: string }> =
    [];
  for (const name of readdirSync(vnfdDir).sort()) {
    const built = await buildPackage(join(vnfdDir, name), library);
    if (built.csar === undefined) {
      out.push({ name, result: 'failed', detail: built.diagnostics.map((d) => d.message).join('; ') });
      continue;
    }
    const vnfdId = /descriptor_id:\s*(\S+)/.exec(
      built.files?.get([...(built.files?.keys() ?? [])].find((p) => p.endsWith('_vnfd.yaml')) ?? '')?.toString() ?? '',
    )?.[1];
    const existing = vnfdId === undefined ? undefined : await repo.findByVnfdId(vnfdId);
    if (existing?.onboardingState === 'ONBOARDED') {
      out.push({ name, vnfPkgId: existing.vnfPkgId, result: 'present' });
      continue;
    }
    const id = randomUUID();
    await repo.create({
      id,
      onboardingState: 'CREATED',
      operationalState: 'DISABLED',
      usageState: 'NOT_IN_USE',
      userDefinedData: { sample: name },
    });
    const pkg = await onboardPackage(repo, library, id, built.csar);
    if (pkg.onboardingState !== 'ONBOARDED') {
      out.push({ name, vnfPkgId: id, result: 'failed', detail: pkg.onboardingFailureDetails?.detail ?? '' });
      continue;
    }
    await repo.update(id, (p) => ({ ...p, operationalState: 'ENABLED' }));
    out.push({ name, vnfPkgId: id, result: 'onboarded' });
  }
  return out;
}

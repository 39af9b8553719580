import { createHash } from 'node:crypto';
import { ConflictError, formatDiagnostic } from '../../errors';
import type { VnfPkgInfo } from '../../domain/vnf-package';
import type { VnfPackageRepository } from '../../ports/package-store';
import { validatePackage, type TypeLibrary, type VnfdModel } from '../../tosca';

/** How many diagnostics the failure details keep (they are all in `errors`; the detail shows the first). */
const DETAIL_LINES = 5;

/**
 * Onboards uploaded package bytes: CREATED -> UPLOADING -> PROCESSING -> ONBOARDED, or ERROR with
 * every reason in onboardingFailureDetails. On ERROR only the package record is kept (not the bytes).
 *
 * @see ETSI GS NFV-SOL 005 v2.6.1 clause 9.4.5 (upload) and 9.5.4.3 (onboarding states)
 */
export async function onboardPackage(
  repo: VnfPackageRepository,
  library: TypeLibrary,
  id: string,
  bytes: Buffer,
  now: () => Date = () => new Date(),
): Promise<VnfPkgInfo> {
  await beginUpload(repo, id);
  return onboardUploaded(repo, library, id, bytes, now);
}

/**
 * CREATED -> UPLOADING, atomically (409 in any other state, so one upload wins); the failure details of
 * an earlier download that failed are cleared.
 */
export async function beginUpload(repo: VnfPackageRepository, id: string): Promise<void> {
  const begun = await repo.update(id, (p) => {
    if (p.onboardingState !== 'CREATED')
      throw new ConflictError(
        `VNF package ${id} is ${p.onboardingState}; content can only be uploaded once, to a CREATED package`,
        { field: 'onboardingState' },
      );
    const next: VnfPkgInfo = { ...p, onboardingState: 'UPLOADING' };
    delete next.onboardingFailureDetails;
    return next;
  });
  if (begun === undefined) throw new ConflictError(`VNF package ${id} does not exist`);
}

/**
 * Onboards the bytes of a package in UPLOADING (see beginUpload): UPLOADING -> PROCESSING -> ONBOARDED,
 * or ERROR with every reason in onboardingFailureDetails.
 */
export async function onboardUploaded(
  repo: VnfPackageRepository,
  library: TypeLibrary,
  id: string,
  bytes: Buffer,
  now: () => Date = () => new Date(),
): Promise<VnfPkgInfo> {
  await repo.putContent(id, bytes);
  const processing = await repo.update(id, (p) => ({ ...p, onboardingState: 'PROCESSING' }));
  if (processing === undefined) {
    // deleted while it was uploading: keep no bytes of it
    await repo.deleteContent(id);
    throw new ConflictError(`VNF package ${id} was deleted while its content was uploaded`);
  }
  const result = await validatePackage(bytes, library, `${id}.csar`);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  let duplicate: string | undefined;
  if (result.model !== undefined) {
    const other = await repo.findByVnfdId(result.model.descriptorId);
    if (other !== undefined && other.vnfPkgId !== id && other.onboardingState === 'ONBOARDED')
      duplicate = other.vnfPkgId;
  }
  if (result.model === undefined || errors.length > 0 || duplicate !== undefined) {
    await repo.deleteContent(id);
    const lines =
      duplicate !== undefined
        ? [`vnfdId ${result.model?.descriptorId ?? ''} is already onboarded in VNF package ${duplicate}`]
        : errors.map(formatDiagnostic);
    const shown = lines.slice(0, DETAIL_LINES).join('; ');
    const more = lines.length > DETAIL_LINES ? '; ...' : '';
    const saved = await repo.update(id, (p) => ({
      ...p,
      onboardingState: 'ERROR',
      onboardingFailureDetails: {
        status: 422,
        title: 'Unprocessable Entity',
        detail: `the package was not onboarded: ${lines.length} error(s): ${shown}${more}`,
        errors:
          duplicate !== undefined
            ? [{ reason: lines[0] }]
            : errors.map((d) => ({ reason: d.message, file: d.file, line: d.line, column: d.column })),
      },
    }));
    return (saved as { doc: VnfPkgInfo }).doc;
  }
  const model = result.model;
  const saved = await repo.update(id, (p) => ({
    ...p,
    ...fromModel(model, bytes, now()),
    onboardingState: 'ONBOARDED',
  }));
  return (saved as { doc: VnfPkgInfo }).doc;
}

function fromModel(m: VnfdModel, bytes: Buffer, at: Date): Partial<VnfPkgInfo> {
  const images = m.vdus.flatMap((v) =>
    v.swImage === undefined
      ? []
      : [
          {
            id: `${v.id}-image`,
            name: v.swImage.name,
            provider: m.provider,
            version: v.swImage.version,
            checksum: v.swImage.checksum,
            containerFormat: v.swImage.containerFormat.toUpperCase(),
            diskFormat: v.swImage.diskFormat.toUpperCase(),
            createdAt: at.toISOString(),
            minDisk: Math.ceil(v.swImage.minDiskBytes / 1e9),
            minRam: Math.ceil(v.swImage.minRamBytes / 1e6),
            size: v.swImage.sizeBytes,
            imagePath: v.imageArtifact ?? '',
          },
        ],
  );
  return {
    vnfdId: m.descriptorId,
    vnfProvider: m.provider,
    vnfProductName: m.productName,
    vnfSoftwareVersion: m.softwareVersion,
    vnfdVersion: m.descriptorVersion,
    checksum: { algorithm: 'SHA-256', hash: createHash('sha256').update(bytes).digest('hex') },
    softwareImages: images,
    additionalArtifacts: m.vdus.flatMap((v) =>
      v.clickConfig === undefined
        ? []
        : [
            {
              artifactPath: v.clickConfig.path,
              checksum: { algorithm: 'SHA-256', hash: createHash('sha256').update(v.clickConfig.text).digest('hex') },
              metadata: { type: 'clickosv.artifacts.ClickConfig', vdu: v.id },
            },
          ],
    ),
  };
}

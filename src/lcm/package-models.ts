import { AppError } from '../errors';
import type { VnfPackageRepository } from '../ports/package-store';
import { modelFormat, readCsarEntry, validatePackage, warmTypeFiles, type TypeLibrary, type VnfdModel } from '../tosca';

/** A package that can no longer be read: the operation cannot go on. */
export class PackageUnavailableError extends AppError {
  readonly status = 422;
  readonly title = 'Unprocessable Entity';
}

/**
 * Parsed VNF packages, by package id, bounded (least recently used out first), one per process and
 * shared by the API's checks, the worker's steps and the console's views. A package's content never
 * changes once uploaded (package_content is refused after ONBOARDED, ids are never reused), so an entry
 * never goes stale: it is dropped only to bound memory. The cache holds the parsed model, never the
 * CSAR's bytes (the image files are read from the store when an upload needs them). The first process to parse a
 * package stores the model beside it (JSON, under the parser's format: src/tosca/model-format.ts); the others read
 * that instead of parsing (a worker's first job on a package: 1 ms instead of 40 to 100).
 */
export class PackageModels {
  private readonly models = new Map<string, Promise<VnfdModel>>();

  constructor(
    private readonly packages: VnfPackageRepository,
    private readonly library: TypeLibrary,
    private readonly capacity = 64,
  ) {}

  /** Readies what every package's parse shares (the type library, the models' format), before the first job. */
  warm(): void {
    warmTypeFiles(this.library);
    modelFormat(this.library); // reads the parser's files once: not on the first job's path
  }

  /** The VNFD model of an instance's package (by vnfPkgId, else its vnfdId's package). */
  async forInstance(instance: { id: string; vnfPkgId?: string; vnfdId: string }): Promise<VnfdModel> {
    const pkgId = instance.vnfPkgId ?? (await this.packages.findByVnfdId(instance.vnfdId))?.vnfPkgId;
    const what = `the VNF package of VNF instance ${instance.id} (vnfdId ${instance.vnfdId})`;
    if (pkgId === undefined) throw new PackageUnavailableError(`${what} is not available`);
    return this.model(pkgId, what);
  }

  /** The VNFD model of a package by its id (`vnfdId` only names it in the error when it cannot be read). */
  forPackage(vnfPkgId: string, vnfdId: string): Promise<VnfdModel> {
    return this.model(vnfPkgId, `the VNF package ${vnfPkgId} (vnfdId ${vnfdId})`);
  }

  /** A file the package carries (an image), or undefined when it does not carry it. */
  async file(instance: { vnfPkgId?: string; vnfdId: string }, filePath: string): Promise<Buffer | undefined> {
    const pkgId = instance.vnfPkgId ?? (await this.packages.findByVnfdId(instance.vnfdId))?.vnfPkgId;
    const bytes = pkgId === undefined ? undefined : await this.packages.getContent(pkgId);
    if (bytes === undefined) return undefined;
    // the package was validated when it was onboarded: only the one entry is inflated
    return readCsarEntry(bytes, filePath);
  }

  /** `what` names the package in the error when it cannot be read. */
  private model(pkgId: string, what: string): Promise<VnfdModel> {
    const hit = this.models.get(pkgId);
    if (hit !== undefined) {
      // most recently used last
      this.models.delete(pkgId);
      this.models.set(pkgId, hit);
      return hit;
    }
    const loading = this.parse(pkgId, what);
    this.models.set(pkgId, loading);
    // a failure is not cached: the next call reads the store again
    loading.catch(() => this.models.get(pkgId) === loading && this.models.delete(pkgId));
    while (this.models.size > this.capacity) this.models.delete(this.models.keys().next().value as string);
    return loading;
  }

  private async parse(pkgId: string, what: string): Promise<VnfdModel> {
    // parsed once for all processes: another one's model, if made by the same parser and types
    const format = modelFormat(this.library);
    const stored = await this.packages.getModel(pkgId, format);
    if (stored !== undefined) return JSON.parse(stored) as VnfdModel;
    const bytes = await this.packages.getContent(pkgId);
    if (bytes === undefined) throw new PackageUnavailableError(`${what} is not available`);
    const r = await validatePackage(bytes, this.library);
    if (r.model === undefined)
      throw new PackageUnavailableError(
        `the VNF package ${pkgId} no longer validates: ${r.diagnostics[0]?.message ?? ''}`,
      );
    // best effort: without it, the next process parses the package itself
    await this.packages.putModel(pkgId, format, JSON.stringify(r.model)).catch(() => undefined);
    return r.model;
  }
}

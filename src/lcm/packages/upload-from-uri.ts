import { AppError, ConflictError, type ProblemDetails } from '../../errors';
import type { VnfPkgInfo } from '../../domain/vnf-package';
import type { VnfPackageRepository } from '../../ports/package-store';
import type { TypeLibrary } from '../../tosca';
import { beginUpload, onboardUploaded } from './onboard-package';

/**
 * Onboards a package from a URI (SOL005 9.4.6): CREATED -> UPLOADING now (409 in any other state, so a
 * second upload cannot start meanwhile); `done` then downloads the CSAR and onboards it as an upload does
 * (PROCESSING -> ONBOARDED, or ERROR with every reason). A download that fails (a refused destination,
 * the source's answer, the size limit, a timeout) puts the package back to CREATED with the reason in
 * onboardingFailureDetails: nothing of it was kept, and the client may try again.
 *
 * `done` rejects only when the store fails; every other outcome is recorded on the package.
 */
export async function startUploadFromUri(
  repo: VnfPackageRepository,
  library: TypeLibrary,
  id: string,
  download: () => Promise<Buffer>,
  now: () => Date = () => new Date(),
): Promise<{ done: Promise<VnfPkgInfo | undefined> }> {
  await beginUpload(repo, id);
  const done = (async (): Promise<VnfPkgInfo | undefined> => {
    let bytes: Buffer;
    try {
      bytes = await download();
    } catch (err) {
      const back = await repo.update(id, (p) =>
        p.onboardingState === 'UPLOADING'
          ? { ...p, onboardingState: 'CREATED', onboardingFailureDetails: downloadFailure(err) }
          : undefined,
      );
      return back?.doc;
    }
    try {
      return await onboardUploaded(repo, library, id, bytes, now);
    } catch (err) {
      // deleted while it was downloading: nothing is left to record it on
      if (err instanceof ConflictError && (await repo.get(id)) === undefined) return undefined;
      throw err;
    }
  })();
  return { done };
}

/** The failure details of a download: what the fetcher said (never credentials), or only the error's kind. */
function downloadFailure(err: unknown): ProblemDetails {
  if (err instanceof AppError) {
    const pd = err.toProblemDetails();
    return { ...pd, detail: `the package could not be downloaded: ${pd.detail}` };
  }
  const name = err instanceof Error ? err.name : 'error';
  return { status: 422, title: 'Unprocessable Entity', detail: `the package could not be downloaded (${name})` };
}

import type { VnfPkgInfo } from '../domain/vnf-package';
import type { PackageCatalog } from './package-catalog';
import type { Repository } from './store';

/** VNF packages: their information, their bytes, and the catalog view the LCM API uses. */
export interface VnfPackageRepository extends Repository<VnfPkgInfo>, PackageCatalog {
  putContent(id: string, bytes: Buffer): Promise<void>;
  getContent(id: string): Promise<Buffer | undefined>;
  deleteContent(id: string): Promise<void>;
}

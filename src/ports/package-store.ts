import type { VnfPkgInfo } from '../domain/vnf-package';
import type { PackageCatalog } from './package-catalog';
import type { Repository } from './store';

/** VNF packages: their information, their bytes, and the catalog view the LCM API uses. */
export interface VnfPackageRepository extends Repository<VnfPkgInfo>, PackageCatalog {
  putContent(id: string, bytes: Buffer): Promise<void>;
  getContent(id: string): Promise<Buffer | undefined>;
  /** Drops the bytes and the parsed model. */
  deleteContent(id: string): Promise<void>;
  /** The package's parsed VNFD model (JSON) as stored under `format` (src/tosca/model-format.ts), if it is. */
  getModel(id: string, format: string): Promise<string | undefined>;
  putModel(id: string, format: string, json: string): Promise<void>;
}

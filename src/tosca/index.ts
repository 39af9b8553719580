/**
 * VNF packages: SOL004 CSARs with SOL001 TOSCA VNFDs in, a checked VnfdModel (or every problem at
 * file:line:column) out. No network: ETSI's import URLs resolve to the project's tosca/ files.
 */
export type * from './model';
export { readCsar, readPackageDir, zipFiles, unsafePath, ZIP_LIMITS, type PackageFiles } from './csar';
export { parseToscaMeta, verifyManifest, writeManifest } from './manifest';
export { loadYaml, locate, YAML_LIMITS } from './yaml';
export { loadTypeLibrary, defaultToscaDir, ETSI_FILES, ETSI_IMPORTS, type TypeLibrary } from './type-library';
export { parsePackage } from './vnfd-parser';
export { warmTypeFiles } from './definitions';
export { modelFormat } from './model-format';
export { validatePackage, buildPackage, assemblePackage } from './package';
export { sizeBytes, timeMs } from './scalars';
export { readCsarEntry } from './csar-entry';
export {
  AUTO_HEAL_POLICY,
  AUTO_SCALE_POLICY,
  ELEMENT_ALARM_POLICY,
  INDICATOR_POLICY,
  HEAL_CAUSES,
  PORT_METRICS,
} from './vnfd-monitoring';
export { parseHandler } from './click-handlers';

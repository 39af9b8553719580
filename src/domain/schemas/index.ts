/**
 * One schema, one type: the TypeBox schemas of the SOL003 (and SOL005 package) data types. The API
 * checks requests and writes answers with them, the OpenAPI document describes them, and the domain
 * types are their `Static<>` (see ../vnf-instance.ts and its siblings).
 */
export * from './common';
export * from './vnf-instance';
export * from './lcm-op-occ';
export * from './lcm-requests';
export * from './subscription';
export * from './notifications';
export * from './vnf-package';
export * from './grant';
export * from './pkgm-notifications';
export * from './alarm';
export * from './pm';
export * from './indicator';

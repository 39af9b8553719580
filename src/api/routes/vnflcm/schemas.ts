import { Type } from '@sinclair/typebox';
import { NON_SECRET_NAME } from '../../../domain/schemas/common';

/**
 * The schemas of the SOL003 structures live in src/domain/schemas (one schema, one type); these are
 * the names the routes (and tests) use.
 */
export { NON_SECRET_NAME, ProblemDetailsSchema } from '../../../domain/schemas/common';
export { CreateVnfRequestSchema } from '../../../domain/schemas/lcm-requests';

/**
 * VimConnectionInfo as returned: `accessInfo` (credentials) is not in the schema, and interfaceInfo
 * declares only members whose names do not look secret, so the serializer (additionalProperties:
 * false) never sends either, even when a route forgets to strip. @see SOL003 4.4.1.6
 */
export const VimConnectionInfoOut = Type.Object(
  {
    id: Type.String(),
    vimId: Type.Optional(Type.String()),
    vimType: Type.String(),
    interfaceInfo: Type.Optional(Type.Object({}, { patternProperties: { [NON_SECRET_NAME]: Type.String() }, additionalProperties: false })),
    extra: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

/** @see SOL003 5.5.2.2 VnfInstance (loose on the nested structures; they are ours) */
export const VnfInstanceSchema = Type.Object(
  {
    id: Type.String(),
    vnfInstanceName: Type.Optional(Type.String()),
    vnfInstanceDescription: Type.Optional(Type.String()),
    vnfdId: Type.String(),
    vnfProvider: Type.String(),
    vnfProductName: Type.String(),
    vnfSoftwareVersion: Type.String(),
    vnfdVersion: Type.String(),
    vnfPkgId: Type.Optional(Type.String()),
    vnfConfigurableProperties: Type.Optional(Type.Unknown()),
    vimConnectionInfo: Type.Optional(Type.Array(VimConnectionInfoOut)),
    instantiationState: Type.Union([Type.Literal('NOT_INSTANTIATED'), Type.Literal('INSTANTIATED')]),
    instantiatedVnfInfo: Type.Optional(Type.Unknown()),
    metadata: Type.Optional(Type.Unknown()),
    extensions: Type.Optional(Type.Unknown()),
    _links: Type.Unknown(),
  },
  { additionalProperties: true },
);

export const InstanceIdParams = Type.Object({ vnfInstanceId: Type.String({ minLength: 1, maxLength: 128 }) });

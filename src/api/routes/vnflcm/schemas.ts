import { Type } from '@sinclair/typebox';
import { SECRET_KEY } from '../../../domain/credentials';

/**
 * Our own TypeBox schemas for the SOL003 structures the API reads and writes (written from the
 * spec's tables, not copied from ETSI's files).
 */
export const Link = Type.Object({ href: Type.String() });

/** @see SOL003 5.5.2.3 CreateVnfRequest */
export const CreateVnfRequest = Type.Object(
  {
    vnfdId: Type.String({ minLength: 1 }),
    vnfInstanceName: Type.Optional(Type.String()),
    vnfInstanceDescription: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

/**
 * Member names that do not look secret, as a JSON-schema pattern: the serializer compiles
 * patternProperties without flags, so SECRET_KEY's case-insensitivity is spelled out letter by
 * letter ([pP][aA]...) inside a negative lookahead.
 */
export const NON_SECRET_NAME = `^(?!.*(?:${SECRET_KEY.source.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`)})).*$`;

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

export const ProblemDetailsSchema = Type.Object(
  {
    type: Type.Optional(Type.String()),
    title: Type.Optional(Type.String()),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    field: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

export const InstanceIdParams = Type.Object({ vnfInstanceId: Type.String({ minLength: 1, maxLength: 128 }) });

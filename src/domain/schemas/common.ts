import { Type, type SchemaOptions, type Static, type TUnsafe } from '@sinclair/typebox';
import { SECRET_KEY } from '../credentials';

/**
 * The SOL003 data types shared by the VNF LCM and package resources, as TypeBox schemas: each is the
 * runtime check, the static type (`Static<typeof X>`) and the OpenAPI description at once. Written
 * from the spec's tables (ETSI GS NFV-SOL 003 v2.6.1 clause 4.4, SOL013 v2.6.1 clause 6.3).
 *
 * NOTE: the API serializes answers with these schemas (fast-json-stringify), which leaves out every
 * member a schema does not name: a schema must name every attribute the VNFM returns, and a
 * KeyValuePairs map must stay an open map.
 */

/** A string with one of `values`: an `enum` in the OpenAPI document, a plain string to the serializer. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

/** @see SOL003 4.4.1.4 KeyValuePairs: an open map, any member of any JSON type. */
export function KeyValuePairs(description: string) {
  return Type.Record(Type.String(), Type.Unknown(), { description: `${description} (KeyValuePairs: an open map)` });
}

/** @see SOL013 8.3 (Link) */
export const LinkSchema = Type.Object({ href: Type.String({ description: 'An absolute URI' }) });
export type Link = Static<typeof LinkSchema>;

/** @see SOL003 4.4.1.7 ResourceHandle */
export const ResourceHandleSchema = Type.Object(
  {
    vimConnectionId: Type.Optional(Type.String()),
    resourceProviderId: Type.Optional(Type.String()),
    resourceId: Type.String({ description: 'The identifier of the resource in the scope of the VIM' }),
    vimLevelResourceType: Type.Optional(Type.String({ description: 'e.g. OS::Nova::Server' })),
  },
  { description: 'A resource in the VIM' },
);
export type ResourceHandle = Static<typeof ResourceHandleSchema>;

/** @see SOL003 4.4.1.10b CpProtocolData (with 4.4.1.10c IpOverEthernetAddressData) */
export const CpProtocolDataSchema = Type.Object({
  layerProtocol: StringEnum(['IP_OVER_ETHERNET']),
  ipOverEthernet: Type.Optional(
    Type.Object({
      macAddress: Type.Optional(Type.String()),
      ipAddresses: Type.Optional(
        Type.Array(
          Type.Object({
            type: StringEnum(['IPV4', 'IPV6']),
            fixedAddresses: Type.Optional(Type.Array(Type.String())),
            numDynamicAddresses: Type.Optional(Type.Integer()),
            addressRange: Type.Optional(Type.Object({ minAddress: Type.String(), maxAddress: Type.String() })),
            subnetId: Type.Optional(Type.String()),
          }),
        ),
      ),
    }),
  ),
});

/** @see SOL003 4.4.1.10 VnfExtCpData (with 4.4.1.10a VnfExtCpConfig) */
export const VnfExtCpDataSchema = Type.Object({
  cpdId: Type.String(),
  cpConfig: Type.Optional(
    Type.Array(
      Type.Object({
        cpInstanceId: Type.Optional(Type.String()),
        linkPortId: Type.Optional(Type.String()),
        cpProtocolData: Type.Optional(Type.Array(CpProtocolDataSchema)),
      }),
    ),
  ),
});

/** @see SOL013 6.3 ProblemDetails, with this VNFM's two documented extensions (`field`, `errors`). */
export const ProblemDetailsSchema = Type.Object(
  {
    type: Type.Optional(Type.String()),
    title: Type.Optional(Type.String()),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    field: Type.Optional(
      Type.String({
        description: 'Extension: the request field at fault (a body attribute path, a query parameter or a header)',
      }),
    ),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.Optional(Type.String()),
          reason: Type.Optional(Type.String()),
          file: Type.Optional(Type.String()),
          line: Type.Optional(Type.Integer()),
          column: Type.Optional(Type.Integer()),
        }),
        { description: 'Extension: every reason, one per field or file position' },
      ),
    ),
  },
  { additionalProperties: true, description: 'SOL013 6.3 ProblemDetails (RFC 7807); further members are extensions' },
);
export type ProblemDetails = Static<typeof ProblemDetailsSchema>;

const SECRET_KEY_ANY_CASE = SECRET_KEY.source.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
/**
 * Member names that do not look secret, as a JSON-schema pattern: the serializer compiles
 * patternProperties without flags, so SECRET_KEY's case-insensitivity is spelled out letter by
 * letter ([pP][aA]...) inside a negative lookahead.
 */
export const NON_SECRET_NAME = `^(?!.*(?:${SECRET_KEY_ANY_CASE})).*$`;

/**
 * VimConnectionInfo as returned: `accessInfo` (credentials) is not in the schema, and interfaceInfo
 * declares only members whose names do not look secret, so the serializer (additionalProperties:
 * false) never sends either, even when a route forgets to strip. @see SOL003 4.4.1.6
 */
export const VimConnectionInfoSchema = Type.Object(
  {
    id: Type.String(),
    vimId: Type.Optional(Type.String()),
    vimType: Type.String({ description: 'e.g. ETSINFV.OPENSTACK_KEYSTONE.v_3' }),
    interfaceInfo: Type.Optional(
      Type.Object(
        {},
        {
          patternProperties: { [NON_SECRET_NAME]: Type.String() },
          additionalProperties: false,
          description: 'The VIM endpoint; members whose names look secret are never returned',
        },
      ),
    ),
    extra: Type.Optional(KeyValuePairs('VIM-specific parameters')),
  },
  { additionalProperties: false, description: 'A VIM connection; its accessInfo (credentials) is never returned' },
);

/**
 * The VimConnectionInfo the VNFM keeps: the schema's, plus the credentials it keeps only to use them
 * (sealed at rest, stripped from every answer), which are deliberately not in the response schema.
 */
export type VimConnectionInfo = Static<typeof VimConnectionInfoSchema> & {
  interfaceInfo?: Record<string, string>;
  /** Never returned: accessInfo holds credentials. */
  accessInfo?: Record<string, string>;
};

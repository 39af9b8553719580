/**
 * The SOL003 Grant interface as the VNFM uses it (client side): what it asks the NFVO before it touches
 * the VIM, and the parts of the answer it acts on. @see ETSI GS NFV-SOL 003 v2.6.1 clause 9.5.2
 */
import { Type, type Static } from '@sinclair/typebox';
import { KeyValuePairs, LinkSchema, StringEnum } from './common';

/** @see SOL003 9.5.3.2 ResourceDefinition */
export const ResourceDefinitionSchema = Type.Object(
  {
    id: Type.String(),
    type: StringEnum(['COMPUTE', 'VL', 'STORAGE', 'LINKPORT']),
    vduId: Type.Optional(Type.String()),
    resourceTemplateId: Type.String(),
    resource: Type.Optional(Type.Object({ vimConnectionId: Type.Optional(Type.String()), resourceId: Type.String() })),
  },
  { additionalProperties: true },
);

/** @see SOL003 9.5.2.2 GrantRequest */
export const GrantRequestSchema = Type.Object(
  {
    vnfInstanceId: Type.String(),
    vnfLcmOpOccId: Type.String(),
    vnfdId: Type.String(),
    flavourId: Type.Optional(Type.String()),
    // CHANGE_VNFPKG and dstVnfdId: SOL003 v3.3.1 9.5.2.2 (the grant of a package change names the new VNFD)
    operation: StringEnum([
      'INSTANTIATE',
      'SCALE',
      'SCALE_TO_LEVEL',
      'CHANGE_FLAVOUR',
      'TERMINATE',
      'HEAL',
      'OPERATE',
      'CHANGE_VNFPKG',
    ]),
    dstVnfdId: Type.Optional(Type.String()),
    isAutomaticInvocation: Type.Boolean(),
    instantiationLevelId: Type.Optional(Type.String()),
    addResources: Type.Optional(Type.Array(ResourceDefinitionSchema)),
    removeResources: Type.Optional(Type.Array(ResourceDefinitionSchema)),
    updateResources: Type.Optional(Type.Array(ResourceDefinitionSchema)),
    additionalParams: Type.Optional(KeyValuePairs('Additional parameters of the grant request')),
    _links: Type.Object({ vnfLcmOpOcc: LinkSchema, vnfInstance: LinkSchema }),
  },
  { additionalProperties: false },
);

/** @see SOL003 9.5.3.7 VimComputeResourceFlavour and 9.5.3.8 VimSoftwareImage */
const VimAssetsSchema = Type.Object(
  {
    computeResourceFlavours: Type.Optional(
      Type.Array(
        Type.Object(
          {
            vimConnectionId: Type.Optional(Type.String()),
            vnfdVirtualComputeDescId: Type.String(),
            vimFlavourId: Type.String(),
          },
          { additionalProperties: true },
        ),
      ),
    ),
    softwareImages: Type.Optional(
      Type.Array(
        Type.Object(
          {
            vimConnectionId: Type.Optional(Type.String()),
            vnfdSoftwareImageId: Type.String(),
            vimSoftwareImageId: Type.String(),
          },
          { additionalProperties: true },
        ),
      ),
    ),
  },
  { additionalProperties: true },
);

/**
 * @see SOL003 4.4.1.6 VimConnectionInfo, as a grant names a VIM (with its credentials in accessInfo, which
 * the VNFM keeps sealed and never returns)
 */
const GrantedVimConnectionSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    vimId: Type.Optional(Type.String()),
    vimType: Type.String({ minLength: 1 }),
    interfaceInfo: Type.Optional(Type.Record(Type.String(), Type.String())),
    accessInfo: Type.Optional(Type.Record(Type.String(), Type.String())),
    extra: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: true },
);

/** @see SOL003 9.5.2.3 Grant (the members the VNFM acts on; the rest is kept as given) */
export const GrantSchema = Type.Object(
  {
    id: Type.String(),
    vnfInstanceId: Type.String(),
    vnfLcmOpOccId: Type.String(),
    vimConnections: Type.Optional(Type.Array(GrantedVimConnectionSchema)),
    /** @see SOL003 9.5.3.3 ZoneInfo: `zoneId` is the VIM's own name of the zone (an availability zone) */
    zones: Type.Optional(
      Type.Array(
        Type.Object(
          { id: Type.String(), zoneId: Type.String(), vimConnectionId: Type.Optional(Type.String()) },
          { additionalProperties: true },
        ),
      ),
    ),
    /** @see SOL003 9.5.3.4 GrantInfo: the VIM connection and the zone (a ZoneInfo's id) of each added resource */
    addResources: Type.Optional(
      Type.Array(
        Type.Object(
          {
            resourceDefinitionId: Type.String(),
            vimConnectionId: Type.Optional(Type.String()),
            zoneId: Type.Optional(Type.String()),
          },
          { additionalProperties: true },
        ),
      ),
    ),
    vimAssets: Type.Optional(VimAssetsSchema),
    additionalParams: Type.Optional(KeyValuePairs('Additional parameters the NFVO passes with the grant')),
  },
  { additionalProperties: true },
);

export type ResourceDefinition = Static<typeof ResourceDefinitionSchema>;
export type GrantRequest = Static<typeof GrantRequestSchema>;
export type Grant = Static<typeof GrantSchema>;
export type GrantedVimConnection = Static<typeof GrantedVimConnectionSchema>;

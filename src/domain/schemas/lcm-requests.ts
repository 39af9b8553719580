import { Type, type Static } from '@sinclair/typebox';

/**
 * Our own schemas of the SOL003 v2.6.1 request bodies (clause 5.5.2), checked at the edge (an
 * unknown attribute is a 400), and their types for the lcm layer. The VIM connections, external
 * managed links, CP configurations and link ports are taken as they come: this VNFM reads only
 * the attributes named here.
 */
const Obj = Type.Record(Type.String(), Type.Unknown());

/** @see SOL003 5.5.2.3 CreateVnfRequest */
export const CreateVnfRequestSchema = Type.Object(
  {
    vnfdId: Type.String({ minLength: 1 }),
    vnfInstanceName: Type.Optional(Type.String()),
    vnfInstanceDescription: Type.Optional(Type.String()),
    metadata: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

/** @see SOL003 4.4.1.11 ExtVirtualLinkData */
const ExtVirtualLink = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    vimConnectionId: Type.Optional(Type.String()),
    resourceProviderId: Type.Optional(Type.String()),
    resourceId: Type.String({ minLength: 1 }),
    extCps: Type.Array(
      Type.Object(
        { cpdId: Type.String({ minLength: 1 }), cpConfig: Type.Optional(Type.Unknown()) },
        { additionalProperties: true },
      ),
      { minItems: 1 },
    ),
    extLinkPorts: Type.Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: false },
);

/**
 * VimConnectionInfo as a request gives it (SOL003 4.4.1.6): with accessInfo (credentials), which the VNFM
 * keeps sealed and never returns. interfaceInfo.endpoint names the VIM (Keystone, or an emulated cloud).
 */
const VimConnectionInfoRequest = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 256 }),
    vimId: Type.Optional(Type.String()),
    vimType: Type.String({ minLength: 1 }),
    interfaceInfo: Type.Optional(Type.Record(Type.String(), Type.String())),
    accessInfo: Type.Optional(Type.Record(Type.String(), Type.String())),
    extra: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

/** @see SOL003 5.5.2.4 InstantiateVnfRequest */
export const InstantiateVnfRequestSchema = Type.Object(
  {
    flavourId: Type.String({ minLength: 1 }),
    instantiationLevelId: Type.Optional(Type.String()),
    extVirtualLinks: Type.Optional(Type.Array(ExtVirtualLink)),
    extManagedVirtualLinks: Type.Optional(Type.Array(Type.Unknown())),
    vimConnectionInfo: Type.Optional(Type.Array(VimConnectionInfoRequest, { maxItems: 16 })),
    localizationLanguage: Type.Optional(Type.String()),
    additionalParams: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

/** @see SOL003 5.5.2.8 TerminateVnfRequest */
export const TerminateVnfRequestSchema = Type.Object(
  {
    terminationType: Type.Union([Type.Literal('FORCEFUL'), Type.Literal('GRACEFUL')]),
    gracefulTerminationTimeout: Type.Optional(Type.Integer({ minimum: 0 })),
    additionalParams: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

/** @see SOL003 5.5.2.5 ScaleVnfRequest */
export const ScaleVnfRequestSchema = Type.Object(
  {
    type: Type.Union([Type.Literal('SCALE_OUT'), Type.Literal('SCALE_IN')]),
    aspectId: Type.String({ minLength: 1 }),
    numberOfSteps: Type.Optional(Type.Integer({ minimum: 1 })),
    additionalParams: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

/** @see SOL003 5.5.2.6 ScaleVnfToLevelRequest */
export const ScaleVnfToLevelRequestSchema = Type.Object(
  {
    instantiationLevelId: Type.Optional(Type.String()),
    scaleInfo: Type.Optional(
      Type.Array(
        Type.Object({
          aspectId: Type.String(),
          vnfdId: Type.Optional(Type.String()),
          scaleLevel: Type.Integer({ minimum: 0 }),
        }),
      ),
    ),
    additionalParams: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

/** @see SOL003 5.5.2.9 HealVnfRequest */
export const HealVnfRequestSchema = Type.Object(
  {
    vnfcInstanceId: Type.Optional(Type.Array(Type.String())),
    cause: Type.Optional(Type.String()),
    additionalParams: Type.Optional(Obj),
    healScript: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** @see SOL003 5.5.2.10 OperateVnfRequest */
export const OperateVnfRequestSchema = Type.Object(
  {
    vnfcInstanceId: Type.Optional(Type.Array(Type.String())),
    changeStateTo: Type.Union([Type.Literal('STARTED'), Type.Literal('STOPPED')]),
    stopType: Type.Optional(Type.Union([Type.Literal('FORCEFUL'), Type.Literal('GRACEFUL')])),
    gracefulStopTimeout: Type.Optional(Type.Integer({ minimum: 0 })),
    additionalParams: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

/** @see SOL003 5.5.2.11 ChangeExtVnfConnectivityRequest */
export const ChangeExtVnfConnectivityRequestSchema = Type.Object(
  {
    extVirtualLinks: Type.Array(ExtVirtualLink, { minItems: 1 }),
    vimConnectionInfo: Type.Optional(Type.Array(VimConnectionInfoRequest, { maxItems: 16 })),
    additionalParams: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

/** @see SOL003 5.5.2.7 ChangeVnfFlavourRequest */
export const ChangeVnfFlavourRequestSchema = Type.Object(
  {
    newFlavourId: Type.String({ minLength: 1 }),
    instantiationLevelId: Type.Optional(Type.String()),
    extVirtualLinks: Type.Optional(Type.Array(ExtVirtualLink)),
    extManagedVirtualLinks: Type.Optional(Type.Array(Type.Unknown())),
    vimConnectionInfo: Type.Optional(Type.Array(VimConnectionInfoRequest, { maxItems: 16 })),
    additionalParams: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

/** @see SOL003 5.5.2.12 VnfInfoModificationRequest */
export const VnfInfoModificationRequestSchema = Type.Object(
  {
    vnfInstanceName: Type.Optional(Type.String()),
    vnfInstanceDescription: Type.Optional(Type.String()),
    vnfPkgId: Type.Optional(Type.String()),
    vnfConfigurableProperties: Type.Optional(Obj),
    metadata: Type.Optional(Obj),
    extensions: Type.Optional(Obj),
    vimConnectionInfo: Type.Optional(Type.Array(VimConnectionInfoRequest, { maxItems: 16 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/**
 * SOL003 v3.3.1 5.5.2.11a ChangeCurrentVnfPkgRequest (not in v2.6.1, which the rest implements; Tacker offers
 * it): move the instance to another package of the same product. vimConnectionInfo is a map by id in v3; the
 * array the v2 requests use is taken too. Only vnfdId and additionalParams drive the operation; the rest is
 * recorded in the op-occ's operationParams.
 */
export const ChangeCurrentVnfPkgRequestSchema = Type.Object(
  {
    vnfdId: Type.String({ minLength: 1, maxLength: 256 }),
    extVirtualLinks: Type.Optional(Type.Array(ExtVirtualLink)),
    extManagedVirtualLinks: Type.Optional(Type.Array(Type.Unknown())),
    vimConnectionInfo: Type.Optional(
      Type.Union([
        Type.Array(VimConnectionInfoRequest, { maxItems: 16 }),
        Type.Record(Type.String(), VimConnectionInfoRequest, { maxProperties: 16 }),
      ]),
    ),
    additionalParams: Type.Optional(Obj),
    extensions: Type.Optional(Obj),
    vnfConfigurableProperties: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

/** @see SOL003 5.5.2.14 CancelMode */
export const CancelModeRequestSchema = Type.Object(
  { cancelMode: Type.Union([Type.Literal('GRACEFUL'), Type.Literal('FORCEFUL')]) },
  { additionalProperties: false },
);

export type CreateVnfRequest = Static<typeof CreateVnfRequestSchema>;
export type InstantiateVnfRequest = Static<typeof InstantiateVnfRequestSchema>;
export type TerminateVnfRequest = Static<typeof TerminateVnfRequestSchema>;
export type ScaleVnfRequest = Static<typeof ScaleVnfRequestSchema>;
export type ScaleVnfToLevelRequest = Static<typeof ScaleVnfToLevelRequestSchema>;
export type HealVnfRequest = Static<typeof HealVnfRequestSchema>;
export type OperateVnfRequest = Static<typeof OperateVnfRequestSchema>;
export type ChangeExtVnfConnectivityRequest = Static<typeof ChangeExtVnfConnectivityRequestSchema>;
export type ChangeVnfFlavourRequest = Static<typeof ChangeVnfFlavourRequestSchema>;
export type VnfInfoModificationRequest = Static<typeof VnfInfoModificationRequestSchema>;
export type ChangeCurrentVnfPkgRequest = Static<typeof ChangeCurrentVnfPkgRequestSchema>;
export type CancelModeRequest = Static<typeof CancelModeRequestSchema>;

import { Type } from '@sinclair/typebox';

/** Our own schemas of the SOL003 v2.6.1 task requests (clause 5.5.2), checked at the edge. */
const Obj = Type.Record(Type.String(), Type.Unknown());
const ExtVirtualLink = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    vimConnectionId: Type.Optional(Type.String()),
    resourceProviderId: Type.Optional(Type.String()),
    resourceId: Type.String({ minLength: 1 }),
    extCps: Type.Array(Type.Object({ cpdId: Type.String({ minLength: 1 }), cpConfig: Type.Optional(Type.Unknown()) }, { additionalProperties: true }), { minItems: 1 }),
    extLinkPorts: Type.Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: false },
);

export const InstantiateVnfRequest = Type.Object(
  {
    flavourId: Type.String({ minLength: 1 }),
    instantiationLevelId: Type.Optional(Type.String()),
    extVirtualLinks: Type.Optional(Type.Array(ExtVirtualLink)),
    extManagedVirtualLinks: Type.Optional(Type.Array(Type.Unknown())),
    vimConnectionInfo: Type.Optional(Type.Array(Type.Unknown())),
    localizationLanguage: Type.Optional(Type.String()),
    additionalParams: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

export const TerminateVnfRequest = Type.Object(
  {
    terminationType: Type.Union([Type.Literal('FORCEFUL'), Type.Literal('GRACEFUL')]),
    gracefulTerminationTimeout: Type.Optional(Type.Integer({ minimum: 0 })),
    additionalParams: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

export const ScaleVnfRequest = Type.Object(
  {
    type: Type.Union([Type.Literal('SCALE_OUT'), Type.Literal('SCALE_IN')]),
    aspectId: Type.String({ minLength: 1 }),
    numberOfSteps: Type.Optional(Type.Integer({ minimum: 1 })),
    additionalParams: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

export const ScaleVnfToLevelRequest = Type.Object(
  {
    instantiationLevelId: Type.Optional(Type.String()),
    scaleInfo: Type.Optional(Type.Array(Type.Object({ aspectId: Type.String(), vnfdId: Type.Optional(Type.String()), scaleLevel: Type.Integer({ minimum: 0 }) }))),
    additionalParams: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

export const HealVnfRequest = Type.Object(
  {
    vnfcInstanceId: Type.Optional(Type.Array(Type.String())),
    cause: Type.Optional(Type.String()),
    additionalParams: Type.Optional(Obj),
    healScript: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const OperateVnfRequest = Type.Object(
  {
    vnfcInstanceId: Type.Optional(Type.Array(Type.String())),
    changeStateTo: Type.Union([Type.Literal('STARTED'), Type.Literal('STOPPED')]),
    stopType: Type.Optional(Type.Union([Type.Literal('FORCEFUL'), Type.Literal('GRACEFUL')])),
    gracefulStopTimeout: Type.Optional(Type.Integer({ minimum: 0 })),
    additionalParams: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

export const ChangeExtVnfConnectivityRequest = Type.Object(
  { extVirtualLinks: Type.Array(ExtVirtualLink, { minItems: 1 }), vimConnectionInfo: Type.Optional(Type.Array(Type.Unknown())), additionalParams: Type.Optional(Obj) },
  { additionalProperties: false },
);

export const ChangeVnfFlavourRequest = Type.Object(
  {
    newFlavourId: Type.String({ minLength: 1 }),
    instantiationLevelId: Type.Optional(Type.String()),
    extVirtualLinks: Type.Optional(Type.Array(ExtVirtualLink)),
    extManagedVirtualLinks: Type.Optional(Type.Array(Type.Unknown())),
    vimConnectionInfo: Type.Optional(Type.Array(Type.Unknown())),
    additionalParams: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

export const VnfInfoModificationRequest = Type.Object(
  {
    vnfInstanceName: Type.Optional(Type.String()),
    vnfInstanceDescription: Type.Optional(Type.String()),
    vnfPkgId: Type.Optional(Type.String()),
    vnfConfigurableProperties: Type.Optional(Obj),
    metadata: Type.Optional(Obj),
    extensions: Type.Optional(Obj),
    vimConnectionInfo: Type.Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CancelModeRequest = Type.Object({ cancelMode: Type.Union([Type.Literal('GRACEFUL'), Type.Literal('FORCEFUL')]) }, { additionalProperties: false });

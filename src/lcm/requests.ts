/** The SOL003 request bodies as the operations read them: the types of the domain's schemas (one schema, one type). */
export type {
  ChangeCurrentVnfPkgRequest,
  ChangeExtVnfConnectivityRequest,
  ChangeVnfFlavourRequest,
  HealVnfRequest,
  InstantiateVnfRequest,
  OperateVnfRequest,
  ScaleVnfRequest,
  ScaleVnfToLevelRequest,
  TerminateVnfRequest,
  VnfInfoModificationRequest,
} from '../domain/schemas/lcm-requests';

/** The SOL003 request bodies as the operations read them (one schema, one type: derived from the API's schemas). */
import type { Static } from '@sinclair/typebox';
import type * as S from '../api/routes/vnflcm/lcm-schemas';

export type InstantiateVnfRequest = Static<typeof S.InstantiateVnfRequest>;
export type TerminateVnfRequest = Static<typeof S.TerminateVnfRequest>;
export type ScaleVnfRequest = Static<typeof S.ScaleVnfRequest>;
export type ScaleVnfToLevelRequest = Static<typeof S.ScaleVnfToLevelRequest>;
export type HealVnfRequest = Static<typeof S.HealVnfRequest>;
export type OperateVnfRequest = Static<typeof S.OperateVnfRequest>;
export type ChangeExtVnfConnectivityRequest = Static<typeof S.ChangeExtVnfConnectivityRequest>;
export type ChangeVnfFlavourRequest = Static<typeof S.ChangeVnfFlavourRequest>;
export type VnfInfoModificationRequest = Static<typeof S.VnfInfoModificationRequest>;

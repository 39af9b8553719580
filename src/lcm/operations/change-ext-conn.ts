import type { ChangeExtVnfConnectivityRequest } from '../requests';
import { applyLevels, currentLevels, extLinksOf, recordInstance } from '../steps';
import type { OperationHandler } from './types';

/** CHANGE_EXT_CONN: external VLs re-attached by cpdId; the VIM updates the ports in place. */
export const changeExtConn: OperationHandler<ChangeExtVnfConnectivityRequest> = {
  steps: () => [
    {
      name: 'resources',
      run: async (c) => {
        c.state.previousExtLinks ??= Object.fromEntries(
          (c.instance.instantiatedVnfInfo?.extCpInfo ?? []).flatMap((e) =>
            e.associatedVnfVirtualLinkId ? [[e.cpdId, e.associatedVnfVirtualLinkId]] : [],
          ),
        );
        c.state.extLinks = { ...c.state.previousExtLinks, ...extLinksOf(c.op.operationParams) };
        await c.saveState();
        await applyLevels(c, currentLevels(c));
      },
    },
    {
      name: 'record',
      run: (c) => recordInstance(c, currentLevels(c), c.instance.instantiatedVnfInfo?.vnfState ?? 'STARTED'),
    },
  ],
  rollback: async (c) => {
    c.state.extLinks = c.state.previousExtLinks ?? {};
    await applyLevels(c, currentLevels(c));
  },
};

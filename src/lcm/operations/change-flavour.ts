import { ConflictError } from '../../errors';
import type { ChangeVnfFlavourRequest } from '../requests';
import { grantSteps, vnfcDefinitions } from '../grant';
import { applyLevels, currentLevels, recordInstance } from '../steps';
import { checkFlavour } from './flavour';
import type { OperationHandler } from './types';

/** CHANGE_FLAVOUR: the VNFD's flavours only (others are refused before the start); the instance is re-applied. */
export const changeFlavour: OperationHandler<ChangeVnfFlavourRequest> = {
  check: (m, _i, b) => {
    checkFlavour(m, b.newFlavourId, 'newFlavourId');
  },
  steps: (ctx) => [
    ...grantSteps<ChangeVnfFlavourRequest>(ctx, (c) => ({ updateResources: vnfcDefinitions(c) })),
    {
      name: 'apply',
      run: async (c) => {
        const wanted = c.op.operationParams.newFlavourId;
        if (wanted !== c.model.flavourId)
          throw new ConflictError(`flavour ${wanted} is not in the VNFD (it has ${c.model.flavourId})`);
        await applyLevels(c, currentLevels(c));
      },
    },
    {
      name: 'record',
      run: (c) => recordInstance(c, currentLevels(c), c.instance.instantiatedVnfInfo?.vnfState ?? 'STARTED'),
    },
  ],
};

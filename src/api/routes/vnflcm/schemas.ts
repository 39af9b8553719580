import { Type } from '@sinclair/typebox';

/**
 * The schemas of the SOL003 structures the API reads and writes live in src/domain/schemas (one
 * schema, one type); these are the names the routes (and tests) use, and the API's own path parameters.
 */
export { NON_SECRET_NAME, ProblemDetailsSchema, VimConnectionInfoSchema } from '../../../domain/schemas/common';
export { VnfInstanceSchema } from '../../../domain/schemas/vnf-instance';
export { CreateVnfRequestSchema } from '../../../domain/schemas/lcm-requests';

export const InstanceIdParams = Type.Object({ vnfInstanceId: Type.String({ minLength: 1, maxLength: 128 }) });

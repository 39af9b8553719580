export { buildApp, type AppDeps } from './app';
export type {
  ApiApp,
  ApiContext,
  ApiEvents,
  AuthSettings,
  KeystoneAuthSettings,
  Principal,
  RouteModule,
} from './context';
export { hashSecret, verifySecret, signToken, verifyToken } from './auth/secrets';
export { API_VERSION } from './plugins/version';
export { parseListQuery, sendPage, ListQuerySchema } from './list-query';
export { etag, getInstance, refusalError } from './routes/vnflcm/vnf-instances';
export * as schemas from './routes/vnflcm/schemas';

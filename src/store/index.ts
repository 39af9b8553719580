export { RedisServer, type RedisServerOptions, type RedisExit } from './redis-server';
export { startEmbeddedRedis, type EmbeddedRedis, type EmbeddedRedisOptions } from './embedded-redis';
export { RedisRepository, type RedisRepositoryOptions, type DocumentCodec } from './redis-repository';
export { RedisVnfInstanceRepository } from './vnf-instance-repository';
export { RedisPackageCatalog } from './redis-package-catalog';
export { RedisVnfPackageRepository } from './vnf-package-repository';
export { RedisOpOccRepository } from './op-occ-repository';
export { RedisRateLimiter } from './redis-rate-limiter';
export {
  SecretBox,
  SecretBoxError,
  SEALED_PREFIX,
  loadOrCreateSecretKey,
  credentialCodec,
  resealAll,
} from './secret-box';
export { keptRandomSecret, restrictToOwner } from './private-files';
export { RedisPkgmSubscriptionStore } from './nfvo-subscription-store';
export { createRedisClient, describeRedisTarget, type RedisTarget, type SentinelAddress } from './redis-connection';
export { RedisAlarmStore } from './alarm-store';
export { RedisMonitorStore } from './monitor-store';
export { RedisPmStore } from './pm-store';
export { RedisIndicatorStore } from './indicator-store';
export { RedisAnnouncements } from './announcement-store';

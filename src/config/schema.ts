import { Type, type Static } from '@sinclair/typebox';

/** A Basic-auth user; the password is stored as an scrypt hash (`scrypt$N$salt$hash`). */
const User = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    passwordHash: Type.String({ pattern: '^scrypt\\$' }),
    roles: Type.Array(Type.Union([Type.Literal('admin'), Type.Literal('reader')]), { minItems: 1 }),
  },
  { additionalProperties: false },
);

/** An OAuth2 client (client credentials grant); the secret is stored hashed like passwords. */
const Client = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    secretHash: Type.String({ pattern: '^scrypt\\$' }),
    roles: Type.Array(Type.Union([Type.Literal('admin'), Type.Literal('reader')]), { minItems: 1 }),
  },
  { additionalProperties: false },
);

/** The whole configuration; every key has a default so an empty file is valid. */
export const ConfigSchema = Type.Object(
  {
    listen: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 9890 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Base URL for absolute `_links` and `Location`; defaults to http://<listen.host>:<listen.port>. */
    publicUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
    redis: Type.Object(
      {
        /** Absent (and no sentinels): an embedded redis-server is started under varDir. */
        url: Type.Optional(Type.String({ pattern: '^rediss?://' })),
        /** Redis Sentinel instead of `url`: the sentinels (`host:port`), which name the current primary. */
        sentinels: Type.Optional(Type.Array(Type.String({ minLength: 3 }), { minItems: 1 })),
        /** The Sentinel master group name (`sentinel monitor <name> ...`); required with `sentinels`. */
        sentinelName: Type.Optional(Type.String({ minLength: 1 })),
        /** With `sentinels`: the sentinels' own password, when they have one. Never logged. */
        sentinelPassword: Type.Optional(Type.String({ minLength: 1 })),
        /** With `sentinels`: the primary's and replicas' password (with `url` it goes in the URL). Never logged. */
        password: Type.Optional(Type.String({ minLength: 1 })),
        /** Key prefix; keep the braces (one hash tag for every key; Redis Cluster is not supported, see README). */
        prefix: Type.String({ default: '{vnfm}', pattern: '^\\{[^}]+\\}' }),
      },
      { additionalProperties: false, default: {} },
    ),
    varDir: Type.String({ default: './var' }),
    auth: Type.Object(
      {
        basic: Type.Boolean({ default: true }),
        oauth2: Type.Boolean({ default: true }),
        tokenTtlSeconds: Type.Integer({ minimum: 30, maximum: 86400, default: 900 }),
        /** Token requests one source address may make per minute (all API processes together, counted in Redis). */
        tokenRequestsPerAddressPerMinute: Type.Integer({ minimum: 1, default: 60 }),
        /** Failed token requests (wrong secret) one client id may have per minute before it gets 429. */
        tokenFailuresPerClientPerMinute: Type.Integer({ minimum: 1, default: 10 }),
        /** AES-256-GCM key (base64, 32 bytes) for credentials at rest; absent: generated in varDir/secret.key. */
        secretKey: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9+/=_-]{43,}$' })),
        users: Type.Array(User, { default: [] }),
        clients: Type.Array(Client, { default: [] }),
      },
      { additionalProperties: false, default: {} },
    ),
    api: Type.Object(
      {
        pageSize: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        bodyLimitBytes: Type.Integer({ minimum: 1024, default: 1048576 }),
        packageLimitBytes: Type.Integer({ minimum: 1024, default: 268435456 }),
      },
      { additionalProperties: false, default: {} },
    ),
    vim: Type.Object(
      {
        kind: Type.Union([Type.Literal('emulated'), Type.Literal('openstack')], { default: 'emulated' }),
        /** URL of a running emulated cloud (`clickvnfm emulate-cloud`); absent: started in-process. */
        emulatedCloudUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
        /** clouds.yaml entry for the OpenStack VIM (OS_CLOUD); without it the OS_* variables are used. */
        cloud: Type.Optional(Type.String()),
        /** OpenStack: the management network (name or id) where the VNFM reaches the VMs' API. */
        managementNetwork: Type.String({ default: 'clickvnfm-mgmt' }),
        /** OpenStack: the source range the VMs' management ports accept (the VNFM's addresses). */
        vnfmCidr: Type.String({ default: '0.0.0.0/0', pattern: '^[0-9a-fA-F:.]+/[0-9]+$' }),
        /** OpenStack: where connection points bound to nothing go when the request names no external network. */
        defaultDataNetwork: Type.Optional(Type.String()),
        /** OpenStack: deadline of a Heat stack create/update/delete. */
        stackTimeoutSeconds: Type.Integer({ minimum: 10, default: 600 }),
        /** OpenStack: the longest pause between two looks at a stack (completion is noticed within it). */
        pollMaxMs: Type.Integer({ minimum: 20, default: 100 }),
      },
      { additionalProperties: false, default: {} },
    ),
    notifications: Type.Object(
      {
        /**
         * Allow callbacks and token endpoints on link-local addresses (169.254/16, fe80::/10); the cloud
         * metadata addresses stay refused.
         */
        allowLinkLocal: Type.Boolean({ default: false }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * The NFVO this VNFM works under (SOL003 Grant interface, VNFM side). Without `url` the VNFM grants
     * itself. Credentials: Basic (user, password) or OAuth 2.0 client credentials (tokenUrl, clientId,
     * clientSecret); never logged.
     */
    nfvo: Type.Object(
      {
        url: Type.Optional(Type.String({ pattern: '^https?://' })),
        user: Type.Optional(Type.String()),
        password: Type.Optional(Type.String()),
        tokenUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
        clientId: Type.Optional(Type.String()),
        clientSecret: Type.Optional(Type.String()),
        grantTimeoutSeconds: Type.Integer({ minimum: 1, default: 600 }),
        grantPollMs: Type.Integer({ minimum: 10, default: 1000 }),
        /**
         * Subscribe to the NFVO's package notifications (SOL003 10.4.7): a package it disables or deletes is
         * disabled or dropped here too. The callback is `<publicUrl>/vnfpkgm/v1/nfvo_notifications`.
         */
        packageNotifications: Type.Boolean({ default: true }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * OpenStack-native access (docs/keystone.md): with `authUrl` or `cloud`, the API accepts Keystone tokens
     * (X-Auth-Token), validated with the VNFM's own service credentials: the clouds.yaml entry `cloud`, and/or
     * these keys (a password, or an application credential). Secrets are never logged.
     */
    keystone: Type.Object(
      {
        authUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
        /** A clouds.yaml entry with the service credentials (the keys below override its values). */
        cloud: Type.Optional(Type.String({ minLength: 1 })),
        username: Type.Optional(Type.String()),
        password: Type.Optional(Type.String()),
        projectName: Type.Optional(Type.String()),
        userDomainName: Type.Optional(Type.String()),
        projectDomainName: Type.Optional(Type.String()),
        applicationCredentialId: Type.Optional(Type.String()),
        applicationCredentialSecret: Type.Optional(Type.String()),
        /** Keystone role names that give the VNFM's roles (admin wins when a token has both). */
        roles: Type.Object(
          {
            admin: Type.Array(Type.String({ minLength: 1 }), { default: ['admin'] }),
            reader: Type.Array(Type.String({ minLength: 1 }), { default: ['member', 'reader'] }),
          },
          { additionalProperties: false, default: {} },
        ),
        /** Only tokens scoped to one of these projects (names or ids); absent: any project. */
        projects: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
        /** The longest a validated token is believed without asking Keystone again (a revocation waits as long). */
        cacheSeconds: Type.Integer({ minimum: 0, maximum: 3600, default: 300 }),
      },
      { additionalProperties: false, default: {} },
    ),
    onboardSamples: Type.Boolean({ default: true }),
    worker: Type.Object(
      {
        /**
         * The most LCM jobs a worker runs at once. A job mostly waits (the VIM, the VMs' API), but more jobs at once
         * make every job's Redis round trips slower: 24 kept the overhead p99 near 50 ms under 1,000 concurrent
         * instantiations where 128 gave 843 ms (docs/lcm.md, "Worker concurrency"; bench/lcm-throughput.ts).
         */
        concurrency: Type.Integer({ minimum: 1, maximum: 256, default: 24 }),
        /**
         * Jobs at once adapted to the load (docs/lcm.md, "Worker concurrency"): from 2 up to `concurrency` while the
         * worker's event loop is busy less than `loopBusyPercent` of the time, a round trip to Redis takes less
         * than `storeLatencyMs` and the machine's cores are busy less than `machineBusyPercent`; fewer when the loop
         * or the round trip is well over. false: always `concurrency`.
         */
        adaptive: Type.Boolean({ default: true }),
        loopBusyPercent: Type.Integer({ minimum: 10, maximum: 100, default: 50 }),
        storeLatencyMs: Type.Number({ exclusiveMinimum: 0, maximum: 1000, default: 2 }),
        /** No more jobs while the machine's cores (all processes on it) are busy over this share; 100: never. */
        machineBusyPercent: Type.Integer({ minimum: 10, maximum: 100, default: 85 }),
        /** A job's lock without renewal; a dead worker's jobs run again after it (and the stalled check). */
        lockDurationMs: Type.Integer({ minimum: 500, default: 30000 }),
        stalledIntervalMs: Type.Integer({ minimum: 200, default: 30000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * The monitor a worker runs (docs/fault-management.md): every instantiated instance's VNFCs looked at once per
     * interval by one of the workers (alarms, samples for PM and indicators, auto-heal, auto-scale).
     */
    monitor: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        intervalMs: Type.Integer({ minimum: 200, maximum: 3_600_000, default: 10000 }),
        /** One call to a VM's agent; at most the interval. */
        agentTimeoutMs: Type.Integer({ minimum: 100, maximum: 60000, default: 5000 }),
        /** Samples kept per VNFC (the newest). */
        keepSamples: Type.Integer({ minimum: 2, maximum: 10000, default: 60 }),
        /** Instances one worker looks at concurrently. */
        concurrency: Type.Integer({ minimum: 1, maximum: 1024, default: 64 }),
        /** A drop counter no ElementAlarm policy names is an alarm past this growth per second. */
        dropThresholdPps: Type.Number({ minimum: 0, default: 100 }),
        reconcileMs: Type.Integer({ minimum: 200, default: 30000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * The process's Prometheus metrics (docs/operations.md): an API process serves them at GET /metrics on its API;
     * a worker-only process on a listener of its own.
     */
    metrics: Type.Object(
      {
        /** A bearer token the scraper must send (`Authorization: Bearer <token>`); absent: /metrics is open. */
        token: Type.Optional(Type.String({ minLength: 16, pattern: '^\\S+$' })),
        /**
         * `host:port` of a listener serving only /metrics; absent: 127.0.0.1:9464 for role worker, none for api and
         * all (the API serves it); `off`: none.
         */
        listen: Type.Optional(Type.String({ pattern: '^(off|\\S+:\\d{1,5})$' })),
      },
      { additionalProperties: false, default: {} },
    ),
    log: Type.Object(
      {
        level: Type.Union(
          ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
          { default: 'info' },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
export type ConfigUser = Static<typeof User>;
export type ConfigClient = Static<typeof Client>;

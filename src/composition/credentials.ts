/**
 * The API's credentials: the configured users and clients, plus on the first start a generated admin
 * client whose secret is printed once (only its scrypt hash is kept, in varDir/auth.json), and the
 * token-signing key (varDir/token.key); Keystone tokens too when `keystone` is configured (./keystone.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { hashSecret, type AuthSettings } from '../api';
import type { Config } from '../config';
import type { Logger } from '../ports/logger';
import { keptRandomSecret } from '../store';
import { buildKeystoneAuth } from './keystone';

const ADMIN_CLIENT = 'clickvnfm-admin';

function firstStartMessage(id: string, secret: string, base: string): string {
  const token =
    `TOKEN=$(curl -s -u ${id}:${secret} -d grant_type=client_credentials ${base}/oauth2/token` +
    ` | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')`;
  return [
    '',
    '  First start: an admin API client was generated. Its secret is shown only now; keep it.',
    `    client id:     ${id}`,
    `    client secret: ${secret}`,
    '  Get a token and call the API:',
    `    ${token}`,
    `    curl -H "Authorization: Bearer $TOKEN" ${base}/vnflcm/v1/vnf_instances`,
    '',
  ].join('\n');
}

export function loadAuth(config: Readonly<Config>, varDir: string, publicUrl: string, log: Logger): AuthSettings {
  const tokenKey = Buffer.from(keptRandomSecret(join(varDir, 'token.key'), 32, 'base64'), 'base64');
  const authFile = join(varDir, 'auth.json');
  if (!existsSync(authFile) && config.auth.clients.length === 0 && config.auth.users.length === 0) {
    const secret = randomBytes(18).toString('base64url');
    const clients = [{ id: ADMIN_CLIENT, secretHash: hashSecret(secret), roles: ['admin'] }];
    writeFileSync(authFile, JSON.stringify({ clients }, null, 2), { mode: 0o600 });
    // the one place a secret is ever printed, on the terminal and not in the log: the operator's only chance to see it
    process.stdout.write(`${firstStartMessage(ADMIN_CLIENT, secret, publicUrl)}\n`);
    log.warn(`first start: admin API client ${ADMIN_CLIENT} generated; its secret was printed once on standard output`);
  }
  type Stored = { clients?: AuthSettings['clients']; users?: AuthSettings['users'] };
  const stored = existsSync(authFile) ? (JSON.parse(readFileSync(authFile, 'utf8')) as Stored) : {};
  const keystone = buildKeystoneAuth(config, log);
  return {
    basic: config.auth.basic,
    oauth2: config.auth.oauth2,
    tokenTtlSeconds: config.auth.tokenTtlSeconds,
    tokenKey,
    users: [...config.auth.users, ...(stored.users ?? [])],
    clients: [...config.auth.clients, ...(stored.clients ?? [])],
    ...(keystone !== undefined ? { keystone } : {}),
  };
}

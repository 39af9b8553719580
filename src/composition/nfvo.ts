/** The NFVO the configuration names: its Grant interface, or none (the VNFM grants itself). */
import type { Config } from '../config';
import { HttpGranter, type NfvoAuth } from '../nfvo';
import type { Granter } from '../ports/granter';

export function buildGranter(config: Readonly<Config>, publicUrl: string): Granter | undefined {
  const n = config.nfvo;
  if (n.url === undefined) return undefined;
  const auth: NfvoAuth = {};
  if (n.user !== undefined && n.password !== undefined) auth.basic = { user: n.user, password: n.password };
  if (n.tokenUrl !== undefined && n.clientId !== undefined && n.clientSecret !== undefined) {
    auth.oauth2 = { tokenUrl: n.tokenUrl, clientId: n.clientId, clientSecret: n.clientSecret };
  }
  return new HttpGranter({
    url: n.url,
    vnfmUrl: publicUrl,
    auth,
    timeoutMs: n.grantTimeoutSeconds * 1000,
    pollIntervalMs: n.grantPollMs,
  });
}

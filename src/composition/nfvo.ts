/** The NFVO the configuration names: its Grant interface, or none (the VNFM grants itself). */
import type { Config } from '../config';
import { HttpGranter, NfvoHttp, NfvoPackages, NfvoPkgmSubscriptions, type NfvoAuth } from '../nfvo';
import type { NfvoPackageSource, NfvoPackageSubscriptions } from '../ports/nfvo-packages';
import type { Granter } from '../ports/granter';

function nfvoAuth(config: Readonly<Config>): NfvoAuth {
  const n = config.nfvo;
  const auth: NfvoAuth = {};
  if (n.user !== undefined && n.password !== undefined) auth.basic = { user: n.user, password: n.password };
  if (n.tokenUrl !== undefined && n.clientId !== undefined && n.clientSecret !== undefined) {
    auth.oauth2 = { tokenUrl: n.tokenUrl, clientId: n.clientId, clientSecret: n.clientSecret };
  }
  return auth;
}

export interface Nfvo {
  granter: Granter;
  packages: NfvoPackageSource;
  /** Its package notification subscriptions (absent when `nfvo.packageNotifications` is false). */
  subscriptions?: NfvoPackageSubscriptions;
}

/** The NFVO's Grant interface, its onboarded packages and their notifications, when the configuration names one. */
export function buildNfvo(config: Readonly<Config>, publicUrl: string): Nfvo | undefined {
  const n = config.nfvo;
  if (n.url === undefined) return undefined;
  // one HTTP side for both clients: one OAuth token, fetched once
  const http = new NfvoHttp(nfvoAuth(config));
  const granter = new HttpGranter({
    url: n.url,
    vnfmUrl: publicUrl,
    http,
    timeoutMs: n.grantTimeoutSeconds * 1000,
    pollIntervalMs: n.grantPollMs,
  });
  return {
    granter,
    packages: new NfvoPackages({ url: n.url, http }),
    ...(n.packageNotifications ? { subscriptions: new NfvoPkgmSubscriptions({ url: n.url, http }) } : {}),
  };
}

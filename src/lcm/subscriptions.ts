/** Subscribing to LCM notifications (SOL003 5.4.18.3.1): checks, the callback test, duplicates, the store. */
import { DisallowedDestinationError, parseOutboundUrl, redactText, UnprocessableEntityError } from '../errors';
import type { LifecycleChangeNotificationsFilter, SubscriptionAuthentication } from '../domain/subscription';
import type { Logger } from '../ports/logger';
import { pages, type Repository } from '../ports/store';

export const TOKEN_ENDPOINT_FIELD = 'authentication.paramsOauth2ClientCredentials.tokenEndpoint';
/** The only thing a failed callback test tells the client: what the target answered is not an oracle. */
export const CALLBACK_TEST_FAILED = 'the callback URI did not answer the test GET with 204';

/** A subscription request of any API (LCM, FM, indicators): the filter is the API's own. */
export interface SubscriptionRequestOf<F> {
  filter?: F;
  callbackUri: string;
  authentication?: SubscriptionAuthentication;
}

/** A subscription as stored: with its credentials (sealed at rest, never answered), without `_links`. */
export interface StoredSubscriptionOf<F> extends SubscriptionRequestOf<F> {
  id: string;
}

export interface SubscribeDeps<F = LifecycleChangeNotificationsFilter> {
  subscriptions: Repository<StoredSubscriptionOf<F>>;
  /**
   * Tests the callback: GET must answer 204 (SOL013 7.1.3). The VNFM's callConsumer checks the
   * callback URI and token endpoint against the outbound policy and throws DisallowedDestinationError.
   */
  testCallback(sub: StoredSubscriptionOf<F>): Promise<void>;
}

/** A new subscription, or the one with the same callback and filter that exists already (SOL003: 303). */
export type Subscribed<F = LifecycleChangeNotificationsFilter> =
  { created: StoredSubscriptionOf<F> } | { existing: StoredSubscriptionOf<F> };

/** A refused destination, in the words of the field that named it: the rule, never the URL. */
function refused(err: DisallowedDestinationError): UnprocessableEntityError {
  const tokenEndpoint = err.field === TOKEN_ENDPOINT_FIELD;
  const what = tokenEndpoint ? 'the token endpoint' : 'the callback URI';
  return new UnprocessableEntityError(`${what} is not an allowed destination: ${err.rule}`, {
    field: tokenEndpoint ? TOKEN_ENDPOINT_FIELD : 'callbackUri',
  });
}

function checkAuthentication(a: SubscriptionAuthentication | undefined): void {
  if (a?.authType.includes('BASIC') && a.paramsBasic === undefined) {
    throw new UnprocessableEntityError('authType BASIC needs paramsBasic', { field: 'authentication.paramsBasic' });
  }
  if (
    a?.authType.includes('OAUTH2_CLIENT_CREDENTIALS') &&
    a.paramsOauth2ClientCredentials?.tokenEndpoint === undefined
  ) {
    throw new UnprocessableEntityError(
      'authType OAUTH2_CLIENT_CREDENTIALS needs paramsOauth2ClientCredentials with a tokenEndpoint',
      { field: 'authentication.paramsOauth2ClientCredentials' },
    );
  }
}

/** What needs no DNS (scheme, userinfo) is refused before anything else; the addresses are the test's. */
function checkDestinations(request: SubscriptionRequestOf<unknown>): void {
  try {
    parseOutboundUrl(request.callbackUri, 'callbackUri');
    const endpoint = request.authentication?.paramsOauth2ClientCredentials?.tokenEndpoint;
    if (endpoint !== undefined) parseOutboundUrl(endpoint, TOKEN_ENDPOINT_FIELD);
  } catch (err) {
    if (err instanceof DisallowedDestinationError) throw refused(err);
    throw err;
  }
}

async function findSame<F>(repo: Repository<StoredSubscriptionOf<F>>, request: SubscriptionRequestOf<F>) {
  const key = JSON.stringify([request.callbackUri, request.filter ?? null]);
  for await (const page of pages(repo, { limit: 500 })) {
    const same = page.items.find((s) => JSON.stringify([s.callbackUri, s.filter ?? null]) === key);
    if (same !== undefined) return same;
  }
  return undefined;
}

/**
 * Subscribes: the authentication and the destinations checked, an existing identical subscription
 * returned as it is, else the callback tested (GET, 204) and the subscription stored.
 */
export async function subscribe<F>(
  deps: SubscribeDeps<F>,
  request: SubscriptionRequestOf<F>,
  id: string,
  log: Logger,
): Promise<Subscribed<F>> {
  const a = request.authentication;
  checkAuthentication(a);
  checkDestinations(request);
  const same = await findSame(deps.subscriptions, request);
  if (same !== undefined) return { existing: same };
  const sub: StoredSubscriptionOf<F> = {
    id,
    callbackUri: request.callbackUri,
    ...(request.filter !== undefined ? { filter: request.filter } : {}),
    ...(a !== undefined ? { authentication: a } : {}),
  };
  try {
    await deps.testCallback(sub);
  } catch (err) {
    // the real cause (status, error code) stays in the debug log, redacted: an answer is an SSRF oracle
    const cause = redactText(err instanceof Error ? err.message : String(err));
    log.debug({ subscriptionId: id, cause }, 'the callback test failed');
    if (err instanceof DisallowedDestinationError) throw refused(err);
    throw new UnprocessableEntityError(CALLBACK_TEST_FAILED, { field: 'callbackUri' });
  }
  await deps.subscriptions.create(sub);
  return { created: sub };
}

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { redactText, UnprocessableEntityError } from '../errors';
import type { CheckPackageUri, FetchPackage, PackageSourceAuth } from '../ports/package-source';
import { causeOf } from './delivery';
import {
  checkOutboundUrl,
  DEFAULT_OUTBOUND_POLICY,
  DisallowedDestinationError,
  hostOf,
  parseOutboundUrl,
  pinnedLookup,
  resolveAllowed,
  type OutboundPolicy,
} from './url-guard';

/** The request attribute a refused or failed URI is reported on. */
const FIELD = 'addressInformation';

/** A package download that did not give a CSAR: the source's status, the size limit, a timeout, a network error. */
export class PackageDownloadError extends UnprocessableEntityError {}

export interface PackageDownloadOptions {
  /** Where the VNFM may connect (the notifications' policy: link-local and cloud metadata refused). */
  policy?: OutboundPolicy;
  /** The most bytes a package may have (the API's package size limit). */
  limitBytes: number;
  /** The whole download, connection to last byte; default 10 minutes. */
  timeoutMs?: number;
  /** No byte for this long ends the download; default 30 s. */
  idleTimeoutMs?: number;
}

/**
 * GETs the CSAR at `uri` through the outbound-URL guard: http/https only, no userinfo, an IP literal
 * checked here and a host name resolved by pinnedLookup as the socket connects (every address checked,
 * the checked one used); a fresh connection (no pooled socket skips the check); redirects are not
 * followed; `limitBytes` is enforced on Content-Length and again on the bytes as they come; a total and
 * an idle timeout. HTTP Basic when `auth` has a user name or a password. Errors are AppErrors
 * (DisallowedDestinationError, PackageDownloadError) naming the URI without its query and never the
 * credentials.
 */
export async function downloadPackage(
  uri: string,
  auth: PackageSourceAuth | undefined,
  o: PackageDownloadOptions,
): Promise<Buffer> {
  const policy = o.policy ?? DEFAULT_OUTBOUND_POLICY;
  const u = parseOutboundUrl(uri, FIELD);
  const host = hostOf(u);
  // an IP literal is checked here (Node connects to it without a lookup); a name, by pinnedLookup
  if (isIP(host) !== 0) await resolveAllowed(host, policy, FIELD);
  const shown = redactText(`${u.origin}${u.pathname}`);
  const headers: Record<string, string> = { accept: 'application/zip, application/octet-stream, */*' };
  if (auth !== undefined && (auth.userName !== undefined || auth.password !== undefined))
    headers['authorization'] =
      'Basic ' + Buffer.from(`${auth.userName ?? ''}:${auth.password ?? ''}`).toString('base64');
  const limit = o.limitBytes;
  const timeoutMs = o.timeoutMs ?? 10 * 60_000;
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const failure = (message: string): PackageDownloadError =>
    new PackageDownloadError(`GET ${shown} ${message}`, { field: FIELD });
  const tooLarge = (): PackageDownloadError =>
    failure(`is over the package size limit of ${limit} bytes; the download was stopped`);

  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const settle = (err: Error | undefined, bytes?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err === undefined) return resolve(bytes as Buffer);
      req.destroy();
      reject(err);
    };
    const req = request(
      u,
      {
        method: 'GET',
        headers,
        lookup: pinnedLookup(policy, FIELD),
        // a fresh connection each time: a pooled socket would skip the pinned lookup
        agent: false,
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) {
          res.resume();
          return settle(
            failure(
              status >= 300 && status < 400
                ? `answered ${status}, a redirect (redirects are not followed: give the final URI)`
                : `answered ${status}`,
            ),
          );
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > limit) return settle(tooLarge());
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > limit) return settle(tooLarge());
          chunks.push(c);
        });
        res.on('end', () => {
          if (!res.complete) return settle(failure('was cut off before its end'));
          if (size === 0) return settle(failure('answered an empty body'));
          settle(undefined, Buffer.concat(chunks, size));
        });
        res.on('error', (e: Error) => settle(failure(`failed: ${causeOf(e)}`)));
      },
    );
    const timer = setTimeout(
      () => settle(failure(`did not finish within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    req.setTimeout(o.idleTimeoutMs ?? 30_000, () =>
      settle(failure(`sent nothing for ${Math.round((o.idleTimeoutMs ?? 30_000) / 1000)} s`)),
    );
    req.on('error', (e: Error) =>
      settle(e instanceof DisallowedDestinationError ? e : failure(`failed: ${causeOf(e)}`)),
    );
    req.end();
  });
}

/**
 * The URI check done before POST upload_from_uri answers 202: a refused destination (the scheme, userinfo,
 * any address of the host in a refused range) throws DisallowedDestinationError naming the rule. A host
 * that does not resolve passes: the download fails later and says so in onboardingFailureDetails.
 */
export async function checkPackageUri(uri: string, policy: OutboundPolicy = DEFAULT_OUTBOUND_POLICY): Promise<void> {
  try {
    await checkOutboundUrl(uri, policy, FIELD);
  } catch (err) {
    if (err instanceof DisallowedDestinationError) throw err;
  }
}

/** The package source of the upload_from_uri route, bound to a policy and the limits. */
export function packageSource(o: PackageDownloadOptions): {
  fetchPackage: FetchPackage;
  checkPackageUri: CheckPackageUri;
} {
  return {
    fetchPackage: (uri, auth) => downloadPackage(uri, auth, o),
    checkPackageUri: (uri) => checkPackageUri(uri, o.policy),
  };
}

import axios, { type AxiosInstance } from 'axios';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * An HTTP client for callers that read the status and the body themselves (the NFVO client, which also needs
 * bytes and GET redirects; the in-VM API and the emulated cloud use textRequest below): every status resolves,
 * the body comes as text, and the host is reached directly, never through the environment's http_proxy.
 */
export function textHttpClient(): AxiosInstance {
  return axios.create({
    validateStatus: () => true,
    responseType: 'text',
    proxy: false,
    maxBodyLength: Infinity,
    maxContentLength: Infinity,
  });
}

export interface TextRequest {
  url: string;
  method: string;
  /** A string is sent as it is; a FormData as multipart/form-data (its content-type set). */
  body?: string | FormData;
  headers?: Record<string, string>;
  /** Aborting it ends the call (the rejection is the signal's reason when it has one). */
  signal?: AbortSignal;
}

export interface TextAnswer {
  status: number;
  text: string;
  headers: IncomingHttpHeaders;
}

// NOTE: kept-alive connections: the LCM calls the same emulated cloud and each VM's API several times in a row;
// an idle connection is dropped after 1 s, well before a Node server's keep-alive timeout (5 s) closes it.
const AGENT_OPTIONS = { keepAlive: true, timeout: 1000 };
const agents = { http: new HttpAgent(AGENT_OPTIONS), https: new HttpsAgent(AGENT_OPTIONS) };

/**
 * The same contract as textHttpClient() on Node's own http module, for the calls made by the hundred per
 * second (the in-VM API, the emulated cloud): a few objects per call instead of axios' config merging and
 * redirect handling, and kept-alive connections. Every status resolves; a network error rejects with an
 * Error whose `cause` is the socket's error (its `code`: ECONNREFUSED, ECONNRESET...). No redirects.
 */
export async function textRequest(r: TextRequest): Promise<TextAnswer> {
  const headers: Record<string, string> = { ...r.headers };
  let body: string | Buffer | undefined;
  if (typeof r.body === 'string') body = r.body;
  else if (r.body !== undefined) {
    const encoded = new Response(r.body);
    body = Buffer.from(await encoded.arrayBuffer());
    headers['content-type'] = encoded.headers.get('content-type') ?? 'multipart/form-data';
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const url = new URL(r.url);
  try {
    return await send(url, r.method, headers, body, r.signal);
  } catch (err) {
    // NOTE: a kept-alive connection the server closed just as it was reused: the request never reached it, so it
    // is sent once more on a new connection (Node's documented pattern, req.reusedSocket)
    if (!(err instanceof ReusedSocketReset)) throw err;
    return send(url, r.method, headers, body, r.signal);
  }
}

/** A kept-alive connection was reset as it was reused (the error is its cause). */
class ReusedSocketReset extends Error {}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  signal: AbortSignal | undefined,
): Promise<TextAnswer> {
  const https = url.protocol === 'https:';
  return new Promise<TextAnswer>((resolve, reject) => {
    if (signal?.aborted === true) return reject(abortReason(signal));
    const req = (https ? httpsRequest : httpRequest)(url, { method, headers, agent: agents[https ? 'https' : 'http'] });
    const onAbort = (): void => {
      req.destroy();
      reject(abortReason(signal as AbortSignal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => signal?.removeEventListener('abort', onAbort);
    req.once('error', (err: NodeJS.ErrnoException) => {
      done();
      const reset = req.reusedSocket && err.code === 'ECONNRESET';
      reject(reset ? new ReusedSocketReset(err.message, { cause: err }) : new Error(err.message, { cause: err }));
    });
    req.once('response', (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => (text += chunk));
      res.once('end', () => {
        done();
        resolve({ status: res.statusCode ?? 0, text, headers: res.headers });
      });
      res.once('error', (err: Error) => {
        done();
        reject(new Error(err.message, { cause: err }));
      });
    });
    req.end(body);
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}

import axios, { type AxiosInstance } from 'axios';

/**
 * An HTTP client for callers that read the status and the body themselves (the in-VM API answers 200 on
 * failure; the emulated cloud's errors carry a message): every status resolves, the body comes as text,
 * and the host is reached directly, never through the environment's http_proxy.
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

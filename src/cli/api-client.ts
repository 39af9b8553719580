import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import axios, { type AxiosInstance } from 'axios';
import { processEnv } from '../config';

/** Where `clickvnfm login` keeps the VNFM's address and credentials (mode 0600). */
export interface CliSettings {
  url: string;
  clientId?: string;
  clientSecret?: string;
  user?: string;
  password?: string;
}

export function configPath(explicit?: string): string {
  const env = processEnv();
  if (explicit) return explicit;
  if (env['CLICKVNFM_CONFIG_FILE']) return env['CLICKVNFM_CONFIG_FILE'];
  const base = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  return join(base, 'clickvnfm', 'config.json');
}

export function saveSettings(file: string, s: CliSettings): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(s, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function removeSettings(file: string): boolean {
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}

/** The saved settings, overridden by CLICKVNFM_URL / _CLIENT_ID / _CLIENT_SECRET / _USER / _PASSWORD. */
export function loadSettings(file: string): CliSettings {
  const env = processEnv();
  let saved: Partial<CliSettings> = {};
  if (existsSync(file)) {
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<CliSettings>;
    } catch (err) {
      throw new CliError(`${file} is not valid JSON (${(err as Error).message}); run clickvnfm login again`);
    }
  }
  const pick = (k: keyof CliSettings, e: string): string | undefined => env[e] || saved[k] || undefined;
  const url = pick('url', 'CLICKVNFM_URL');
  if (!url)
    throw new CliError(
      `no VNFM configured: run 'clickvnfm login --url <url> --client-id <id> --client-secret <secret>' ` +
        '(or set CLICKVNFM_URL)',
    );
  const s: CliSettings = { url: url.replace(/\/+$/, '') };
  const id = pick('clientId', 'CLICKVNFM_CLIENT_ID');
  const secret = pick('clientSecret', 'CLICKVNFM_CLIENT_SECRET');
  const user = pick('user', 'CLICKVNFM_USER');
  const password = pick('password', 'CLICKVNFM_PASSWORD');
  if (id) s.clientId = id;
  if (secret) s.clientSecret = secret;
  if (user) s.user = user;
  if (password) s.password = password;
  return s;
}

/** A failure to show the user (exit 1): the API's ProblemDetails, or what went wrong reaching it. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly problem?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface ApiResponse<T> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

/** The VNFM's API as the CLI calls it: OAuth2 client credentials (or Basic), version header, ProblemDetails errors. */
export class VnfmClient {
  private readonly http: AxiosInstance;
  private token: string | undefined;

  constructor(readonly settings: CliSettings) {
    this.http = axios.create({
      baseURL: settings.url,
      validateStatus: () => true,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
      timeout: 60_000,
    });
  }

  private async authorization(): Promise<string> {
    const s = this.settings;
    if (s.clientId && s.clientSecret) {
      if (this.token === undefined) {
        const res = await this.send('POST', '/oauth2/token', 'grant_type=client_credentials', {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: 'Basic ' + Buffer.from(`${s.clientId}:${s.clientSecret}`).toString('base64'),
        });
        const body = res.data as { access_token?: string; error?: string };
        if (res.status !== 200 || !body.access_token)
          throw new CliError(
            `the VNFM at ${s.url} refused the client '${s.clientId}' ` +
              `(${body.error ?? res.status}): check clickvnfm login`,
          );
        this.token = body.access_token;
      }
      return `Bearer ${this.token}`;
    }
    if (s.user && s.password) return 'Basic ' + Buffer.from(`${s.user}:${s.password}`).toString('base64');
    throw new CliError('no credentials: run clickvnfm login with --client-id/--client-secret (or --user/--password)');
  }

  private async send(
    method: string,
    path: string,
    data: unknown,
    headers: Record<string, string>,
  ): Promise<ApiResponse<unknown>> {
    try {
      const res = await this.http.request({ method, url: path, data, headers });
      const h: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers as Record<string, unknown>))
        if (v !== undefined) h[k.toLowerCase()] = String(v);
      return { status: res.status, data: res.data as unknown, headers: h };
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).message;
      throw new CliError(`cannot reach the VNFM at ${this.settings.url}${path} (${code})`);
    }
  }

  /** Calls the API; a status outside `ok` throws a CliError with the ProblemDetails. */
  async call<T = unknown>(
    method: string,
    path: string,
    o: { body?: unknown; ok?: number[]; headers?: Record<string, string>; contentType?: string } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      version: '1.3.0',
      authorization: await this.authorization(),
      ...o.headers,
    };
    if (o.body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
    const res = await this.send(method, path, o.body, headers);
    if (!(o.ok ?? [200, 201, 202, 204]).includes(res.status)) {
      const pd = (
        res.data !== null && typeof res.data === 'object' ? res.data : { status: res.status, detail: String(res.data) }
      ) as Record<string, unknown>;
      const field = pd['field'] ? ` (field: ${String(pd['field'])})` : '';
      throw new CliError(
        `${method} ${path}: ${res.status} ${String(pd['title'] ?? '')}: ${String(pd['detail'] ?? '')}${field}`.replace(
          /: : /,
          ': ',
        ),
        pd,
      );
    }
    return res as ApiResponse<T>;
  }
}

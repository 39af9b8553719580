/** The VNFM's own API, called with the bearer token the login page got (kept in sessionStorage). */
export interface Problem {
  status: number;
  title?: string;
  detail: string;
  field?: string;
  errors?: Array<{ reason: string; file?: string; line?: number; column?: number }>;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(
      `${problem.status} ${problem.title ?? ''}: ${problem.detail}${problem.field ? ` (field ${problem.field})` : ''}`,
    );
  }
}

const TOKEN = 'clickvnfm.token';
export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN),
  set: (t: string): void => sessionStorage.setItem(TOKEN, t),
  clear: (): void => sessionStorage.removeItem(TOKEN),
};

export async function login(clientId: string, secret: string): Promise<void> {
  // client_secret_post: a Basic challenge on a wrong secret would make the browser ask for a password
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
  const res = await fetch('/oauth2/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const body = (await res.json()) as { access_token?: string; error?: string };
  if (!res.ok || !body.access_token)
    throw new ApiError({ status: res.status, detail: `login refused (${body.error ?? res.status})` });
  token.set(body.access_token);
}

export interface Resp<T> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Resp<T>> {
  const h: Record<string, string> = {
    accept: 'application/json',
    version: '1.3.0',
    authorization: `Bearer ${token.get() ?? ''}`,
    ...headers,
  };
  let data: BodyInit | undefined;
  if (body instanceof ArrayBuffer || body instanceof Blob) {
    data = body;
    h['content-type'] ??= 'application/zip';
  } else if (body !== undefined) {
    data = JSON.stringify(body);
    h['content-type'] ??= 'application/json';
  }
  const res = await fetch(path, { method, headers: h, ...(data !== undefined ? { body: data } : {}) });
  const text = await res.text();
  const parsed = (text ? JSON.parse(text) : undefined) as T;
  if (res.status === 401) {
    token.clear();
    location.hash = '#/login';
  }
  if (!res.ok) throw new ApiError((parsed as unknown as Problem) ?? { status: res.status, detail: res.statusText });
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A list resource's path with `params` (e.g. all_fields) and, when given, a filter (SOL013 5.2). */
export function listUrl(path: string, params: string[], filter?: string): string {
  const all = [...params, ...(filter === undefined ? [] : [`filter=${encodeURIComponent(filter)}`])];
  return all.length === 0 ? path : `${path}?${all.join('&')}`;
}

/** Starts a lifecycle task (202 + Location) and returns the op-occ path. */
export async function task(
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<string> {
  const r = await api(method, path, body, headers);
  return new URL(r.headers.get('location') ?? '', location.origin).pathname;
}

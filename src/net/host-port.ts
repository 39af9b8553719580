/** A TCP address as `host:port` (a sentinel's, in `redis.sentinels`). */
export interface HostPort {
  host: string;
  port: number;
}

/** `host:port` or `[v6-address]:port`; throws on anything else (the message quotes the text). */
export function parseHostPort(text: string): HostPort {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[3]);
  if (m === null || port < 1 || port > 65535) throw new Error(`'${text}' is not host:port`);
  return { host: m[1] ?? m[2] ?? '', port };
}

/** The inverse of parseHostPort (brackets around an IPv6 address). */
export function formatHostPort(a: HostPort): string {
  return `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}

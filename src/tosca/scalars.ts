/** TOSCA scalar-unit.size (`512 MB`, `1 GiB`) in bytes; undefined when it is not one. */
export function sizeBytes(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|kB|KB|KiB|MB|MiB|GB|GiB|TB|TiB)\s*$/.exec(v);
  if (m === null) return undefined;
  const f: Record<string, number> = {
    B: 1,
    kB: 1e3,
    KB: 1e3,
    KiB: 1024,
    MB: 1e6,
    MiB: 1024 ** 2,
    GB: 1e9,
    GiB: 1024 ** 3,
    TB: 1e12,
    TiB: 1024 ** 4,
  };
  return Math.round(Number(m[1]) * (f[m[2] as string] as number));
}

/** TOSCA scalar-unit.time (`10 s`, `500 ms`) in milliseconds. */
export function timeMs(v: unknown): number | undefined {
  if (typeof v === 'number') return v * 1000;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(d|h|m|s|ms|us|ns)\s*$/.exec(v);
  if (m === null) return undefined;
  const f: Record<string, number> = { d: 864e5, h: 36e5, m: 6e4, s: 1e3, ms: 1, us: 1e-3, ns: 1e-6 };
  return Number(m[1]) * (f[m[2] as string] as number);
}

import type { Redis } from 'ioredis';

/** A Lua script bound to one connection: keys first, then arguments. */
export type LuaCommand<R> = (...keysAndArgs: Array<string | number>) => Promise<R>;

/**
 * The script as an ioredis custom command (defineCommand): calls go by EVALSHA, so only the SHA
 * travels (ioredis falls back to EVAL once when the server answers NOSCRIPT). Several repositories
 * share one connection, so the command is defined only when the connection has none of that name:
 * every name must stand for one script.
 */
export function luaCommand<R>(redis: Redis, name: string, numberOfKeys: number, lua: string): LuaCommand<R> {
  const commands = redis as unknown as Record<string, unknown>;
  if (typeof commands[name] !== 'function') redis.defineCommand(name, { numberOfKeys, lua });
  return (commands[name] as LuaCommand<R>).bind(redis);
}

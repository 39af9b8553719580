/**
 * A fixed-window counter shared by every API process (so a limit holds however many there are).
 * `hit` counts one request under `key`; `peek` only reads. Both say whether the limit is passed and
 * how many seconds remain of the window.
 */
export interface RateLimiter {
  hit(key: string): Promise<RateLimitState>;
  peek(key: string): Promise<RateLimitState>;
}

export interface RateLimitState {
  exceeded: boolean;
  retryAfterSeconds: number;
}

/**
 * OpenStack-native access: the API accepts a Keystone token (X-Auth-Token) and asks Keystone who it is.
 * The Keystone adapter (src/openstack/identity/token-validator.ts) implements this; the API maps the
 * identity to its own roles (src/api/auth/keystone.ts).
 */

/** What Keystone says a token is (GET /v3/auth/tokens). */
export interface KeystoneIdentity {
  user: { id: string; name: string; domain?: string };
  /** The project the token is scoped to (absent for a domain-scoped or unscoped token). */
  project?: { id: string; name: string; domain?: string };
  /** Keystone's role names on the token's scope. */
  roles: string[];
  /** When the token expires, ms since the epoch. */
  expiresAt: number;
}

export interface KeystoneValidator {
  /** Keystone's address, for messages and the WWW-Authenticate challenge. */
  readonly authUrl: string;
  /**
   * The token's identity; undefined when Keystone does not accept it (unknown, revoked, expired). Throws
   * KeystoneUnavailableError (src/errors) when Keystone could not be asked.
   */
  validate(token: string): Promise<KeystoneIdentity | undefined>;
}

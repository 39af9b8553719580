import { ForbiddenError } from '../../errors';
import type { KeystoneIdentity } from '../../ports/keystone';
import type { KeystoneAuthSettings, Principal } from '../context';

const has = (roles: readonly string[], mapped: readonly string[]): boolean =>
  mapped.some((m) => roles.includes(m.toLowerCase()));

/**
 * The principal of a token Keystone accepted: `<user>@<project>`, with role admin when it has one of the
 * Keystone roles mapped to admin, else reader when it has one mapped to reader. 403 (naming the mapping)
 * when it has none, or when its project is not among `projects`.
 */
export function keystonePrincipal(identity: KeystoneIdentity, s: KeystoneAuthSettings): Principal {
  const scope = identity.project?.name ?? (identity.project === undefined ? 'no project' : identity.project.id);
  const id = `${identity.user.name}@${scope}`;
  if (s.projects !== undefined) {
    const p = identity.project;
    if (p === undefined || !(s.projects.includes(p.name) || s.projects.includes(p.id)))
      throw new ForbiddenError(
        `Keystone user ${id}: the token is not scoped to a project this VNFM accepts (keystone.projects)`,
      );
  }
  const roles = identity.roles.map((r) => r.toLowerCase());
  if (has(roles, s.roles.admin)) return { id, roles: ['admin'], via: 'keystone' };
  if (has(roles, s.roles.reader)) return { id, roles: ['reader'], via: 'keystone' };
  const list = (r: readonly string[]): string => (r.length > 0 ? r.join(', ') : 'none');
  throw new ForbiddenError(
    `Keystone user ${id} has none of the roles this VNFM maps (admin: ${list(s.roles.admin)}; ` +
      `reader: ${list(s.roles.reader)}); the token's roles: ${list(identity.roles)}`,
  );
}

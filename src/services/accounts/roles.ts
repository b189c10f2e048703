import type { Deps } from '@/services/context.js';
import type { PublicUser } from '@/shared/database/prisma/users-repository.js';
import { NotFoundError } from '@/shared/errors.js';

export type Role = 'user' | 'admin';

/**
 * Gives or takes the admin role by email, audited with no actor (an operator at the command line,
 * not an account). The first administrator has to be made this way: no route can make one.
 */
export async function setRoleByEmail(
  services: Deps<'repos'>,
  email: string,
  role: Role,
  via: string,
): Promise<{ user: PublicUser; previous: Role }> {
  const { users, auditLogs } = services.repos;
  const found = await users.findByEmail(email);
  if (!found) throw new NotFoundError('User', email);
  const previous = found.role as Role;
  const user = previous === role ? found : await users.setRole(found.id, role);
  await auditLogs.record({
    actorId: null,
    action: 'user.role',
    resourceType: 'user',
    resourceId: user.id,
    details: { role, previous, via },
  });
  return { user, previous };
}

/** Every administrator, for `admin list`. */
export async function listAdmins(services: Deps<'repos'>): Promise<PublicUser[]> {
  const admins: PublicUser[] = [];
  for (let page = 1; ; page++) {
    const batch = await services.repos.users.list({ role: 'admin', page, limit: 100 });
    admins.push(...batch.items);
    if (admins.length >= batch.total || batch.items.length === 0) return admins;
  }
}

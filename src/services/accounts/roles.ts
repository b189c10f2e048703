import type { Deps } from '@/services/context.js';
import type { PublicUser } from '@/shared/database/prisma/users-repository.js';
import { ConflictError, NotFoundError } from '@/shared/errors.js';

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
  if (previous === 'admin' && role !== 'admin') await assertNotLastAdmin(services, found.id);
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

/**
 * Refuses (409 last_admin) to delete or demote the account when it is the only administrator: no
 * route can make an administrator, so losing the last one locks everyone out of /api/admin until an
 * operator runs `admin grant` at the database. Check-then-act, not a lock: two administrators
 * removing each other at the same instant could both pass (the repositories offer no conditional
 * delete); `admin grant` repairs that.
 */
export async function assertNotLastAdmin(services: Deps<'repos'>, userId: string): Promise<void> {
  // An administrator whose deletion is running (in the background) no longer counts: it is going.
  const admins = await services.repos.users.list({ role: 'admin', limit: 100 });
  const others = admins.items.filter((u) => u.id !== userId && !u.deletionRequestedAt);
  const isAdmin = admins.items.some((u) => u.id === userId);
  if (isAdmin && others.length === 0 && admins.total <= admins.items.length)
    throw new ConflictError(
      'last_admin',
      'This account is the only administrator: make another administrator first (admin grant <email>)',
      {
        userId,
      },
    );
}

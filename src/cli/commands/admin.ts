import type { Command } from 'commander';
import { getConfig } from '@/shared/config/index.js';
import type * as Roles from '@/services/accounts/roles.js';
import type { Services } from '@/services/context.js';

/**
 * `pdf-studio admin grant|revoke <email>` and `admin list`: the only way to make the first
 * administrator (no route can), on whatever database this configuration points at.
 */
export function registerAdminCommand(program: Command): void {
  const admin = program.command('admin').description('manage administrators (the admin role opens /api/admin routes)');
  const change = (name: string, role: Roles.Role, description: string) =>
    admin
      .command(`${name} <email>`)
      .description(description)
      .action((email: string) =>
        withServices(async (services, { setRoleByEmail }) => {
          const { user, previous } = await setRoleByEmail(services, email, role, 'cli');
          console.log(previous === role ? `${user.email} is already ${role}` : `${user.email}: ${previous} → ${role}`);
        }),
      );
  change('grant', 'admin', 'give an account the admin role');
  change('revoke', 'user', 'take the admin role away');
  admin
    .command('list')
    .description('list the administrators')
    .action(() =>
      withServices(async (services, { listAdmins }) => {
        const admins = await listAdmins(services);
        for (const a of admins) console.log(`${a.email}\t${a.id}`);
        if (!admins.length) console.log('no administrators (make one with: admin grant <email>)');
      }),
    );
}

async function withServices(run: (services: Services, roles: typeof Roles) => Promise<void>): Promise<void> {
  // Imported on use: `--help` must not load the database drivers.
  const { startInfrastructure } = await import('@/runtime/infrastructure.js');
  const { createServices } = await import('@/runtime/services.js');
  const roles = await import('@/services/accounts/roles.js');
  const { AppError, NotFoundError } = await import('@/shared/errors.js');
  const infra = await startInfrastructure(getConfig());
  try {
    await run(createServices(infra), roles);
  } catch (err) {
    if (err instanceof NotFoundError)
      console.error(`no account with that email: register it first (POST /api/auth/register or the studio)`);
    // The only administrator is not demoted (roles.ts): one line, not a stack trace.
    else if (err instanceof AppError && err.code === 'last_admin') console.error(err.message);
    else throw err;
    process.exitCode = 1;
  } finally {
    await infra.stop();
  }
}

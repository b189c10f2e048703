import { z } from 'zod';
import type { Profile, Role, User } from '@/generated/prisma/client.js';
import { hashPassword, MAX_PASSWORD_LENGTH } from '@/shared/auth/password.js';
import { ConflictError, NotFoundError, ValidationError } from '@/shared/errors.js';
import { boundedJsonObject, NO_NUL_MESSAGE, noNul } from '@/shared/validation/json-bounds.js';
import {
  assertId,
  isUniqueViolation,
  mapWriteErrors,
  parseInput,
  parsePage,
  PrismaRepository,
  toPage,
  type Page,
  type PageRequest,
  type Prisma,
} from './repository.js';

/** A user as it leaves the repository: never with the password hash. */
export type PublicUser = Omit<User, 'passwordHash'> & { profile?: Profile | null };

// PostgreSQL refuses NUL in text and jsonb, and deep JSON overflows the driver's serialiser.
const jsonObject = boundedJsonObject();
const text = (max: number) => z.string().max(max).refine(noNul, NO_NUL_MESSAGE);

export const profileInputSchema = z.object({
  company: text(200).nullish(),
  timezone: text(64).nullish(),
  language: text(16).nullish(),
  preferences: jsonObject.optional(),
});
export type ProfileInput = z.infer<typeof profileInputSchema>;

export const createUserSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email().max(254)),
  password: z.string().min(8, 'at least 8 characters').max(MAX_PASSWORD_LENGTH),
  name: z.string().trim().max(200).refine(noNul, NO_NUL_MESSAGE).nullish(),
  role: z.enum(['user', 'admin']).optional(),
  profile: profileInputSchema.optional(),
});
export type CreateUserInput = z.input<typeof createUserSchema>;

export interface ListUsersOptions extends PageRequest {
  search?: string;
  includeProfile?: boolean;
  role?: Role;
}

const normalizeEmail = (email: string) => email.trim().toLowerCase();
// Prisma's `omit` keeps the hash out of every query result at the source.
const OMIT_HASH = { passwordHash: true } as const;

export class UsersRepository extends PrismaRepository {
  async create(input: CreateUserInput): Promise<PublicUser> {
    const data = parseInput(createUserSchema, input, 'Invalid user');
    const passwordHash = await hashPassword(data.password);
    try {
      return await this.db.user.create({
        data: {
          email: data.email,
          passwordHash,
          name: data.name ?? null,
          role: data.role ?? 'user',
          ...(data.profile ? { profile: { create: profileData(data.profile) } } : {}),
        },
        omit: OMIT_HASH,
        include: { profile: true },
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('email_taken', 'A user with this email already exists', { email: data.email });
      throw err;
    }
  }

  /** The user with this email (case-insensitive), or null. */
  async findByEmail(email: string, includeProfile = false): Promise<PublicUser | null> {
    return this.db.user.findUnique({ where: { email: normalizeEmail(email) }, omit: OMIT_HASH, include: { profile: includeProfile } });
  }

  /** The user, or NotFoundError. */
  async findById(id: string, includeProfile = false): Promise<PublicUser> {
    assertId('User', id);
    const user = await this.db.user.findUnique({ where: { id }, omit: OMIT_HASH, include: { profile: includeProfile } });
    if (!user) throw new NotFoundError('User', id);
    return user;
  }

  /** The only way to read a password hash: for the login flow to verify it. Null when unknown. */
  async findForLogin(email: string): Promise<{ user: PublicUser; passwordHash: string } | null> {
    const row = await this.db.user.findUnique({ where: { email: normalizeEmail(email) } });
    // An account being deleted (in the background) can no longer sign in: as if it were gone.
    if (!row || row.deletionRequestedAt) return null;
    const { passwordHash, ...user } = row;
    return { user, passwordHash };
  }

  /** Paged, newest first (ties broken by id, so pages never overlap); search matches email or name, case-insensitively. */
  async list(opts: ListUsersOptions = {}): Promise<Page<PublicUser>> {
    const { page, limit, skip } = parsePage(opts);
    // Prisma passes `contains` to ILIKE unescaped: make %, _ and \ literal.
    const search = opts.search?.trim().replace(/[\\%_]/g, (c) => `\\${c}`);
    const where: Prisma.UserWhereInput = {
      ...(opts.role ? { role: opts.role } : {}),
      ...(search
        ? { OR: [{ email: { contains: search, mode: 'insensitive' } }, { name: { contains: search, mode: 'insensitive' } }] }
        : {}),
    };
    const [items, total] = await Promise.all([
      this.db.user.findMany({
        where,
        omit: OMIT_HASH,
        include: { profile: Boolean(opts.includeProfile) },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip,
        take: limit,
      }),
      this.db.user.count({ where }),
    ]);
    return toPage(items, total, page, limit);
  }

  /** Creates or updates the profile with the given fields (preferences are replaced as a whole). */
  async updateProfile(userId: string, input: ProfileInput, name?: string): Promise<PublicUser> {
    assertId('User', userId);
    const data = profileData(parseInput(profileInputSchema, input, 'Invalid profile'));
    if (name !== undefined && !noNul(name))
      throw new ValidationError('Invalid profile', [{ path: 'name', code: 'custom', message: NO_NUL_MESSAGE }]);
    return mapWriteErrors('User', userId, () =>
      this.db.user.update({
        where: { id: userId },
        data: { ...(name !== undefined ? { name: name.trim() } : {}), profile: { upsert: { create: data, update: data } } },
        omit: OMIT_HASH,
        include: { profile: true },
      }),
    );
  }

  async setRole(userId: string, role: Role): Promise<PublicUser> {
    assertId('User', userId);
    parseInput(z.enum(['user', 'admin']), role, 'Invalid role');
    return mapWriteErrors('User', userId, () => this.db.user.update({ where: { id: userId }, data: { role }, omit: OMIT_HASH }));
  }

  /** Sets a new password (hashing it); also used to upgrade an old hash after a successful login. */
  async setPassword(userId: string, password: string): Promise<void> {
    assertId('User', userId);
    const pw = parseInput(createUserSchema.shape.password, password, 'Invalid password');
    const passwordHash = await hashPassword(pw);
    await mapWriteErrors('User', userId, () =>
      this.db.user.update({ where: { id: userId }, data: { passwordHash }, select: { id: true } }),
    );
  }

  /** Deletes the user and (cascade) their profile, files, PDFs, jobs, keys and tokens. */
  /** The account's deletion was accepted: from now on it cannot sign in (findForLogin), while its data goes. */
  async markDeletionRequested(userId: string, at = new Date()): Promise<void> {
    assertId('User', userId);
    await mapWriteErrors('User', userId, () =>
      this.db.user.update({ where: { id: userId }, data: { deletionRequestedAt: at }, select: { id: true } }),
    );
  }

  async delete(userId: string): Promise<void> {
    assertId('User', userId);
    await mapWriteErrors('User', userId, () => this.db.user.delete({ where: { id: userId }, select: { id: true } }));
  }
}

function profileData(p: ProfileInput) {
  return {
    ...(p.company !== undefined ? { company: p.company } : {}),
    ...(p.timezone !== undefined ? { timezone: p.timezone } : {}),
    ...(p.language !== undefined ? { language: p.language } : {}),
    ...(p.preferences !== undefined ? { preferences: p.preferences as Prisma.InputJsonObject } : {}),
  };
}

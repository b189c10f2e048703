import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (memory-hard; built into Node, so no native addon to build).
 *
 * Stored format (PHC string style, self-describing so parameters can be raised later):
 *   $scrypt$ln=15,r=8,p=1$<salt, base64 no padding>$<key, base64 no padding>
 * ln = log2(N). Verification uses the parameters stored in the hash; needsRehash() tells the
 * login flow when they are weaker than the current ones.
 */

export interface ScryptParams {
  ln: number;
  r: number;
  p: number;
}

export const CURRENT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 1 };
let active: ScryptParams = CURRENT_PARAMS;

/**
 * Lowers (or restores) the cost used for new hashes in this process. For test suites that create
 * many users on a busy 2-core CI machine (N=2^15 costs 0.1-1 s per hash there); production never
 * calls it. Below ln=10 is refused: tests should still exercise a real, memory-hard hash.
 */
export function setPasswordHashParamsForTests(params: ScryptParams = CURRENT_PARAMS): void {
  if (params.ln < 10) throw new RangeError('ln must be at least 10');
  active = params;
}
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
// Upper bounds for parameters read from a stored hash: a forged row must not make us allocate GBs.
const MAX = { ln: 20, r: 16, p: 4 };
export const MAX_PASSWORD_LENGTH = 1024;

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 128 * N * params.r * params.p + 32 * 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scryptCb(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

const b64 = (buf: Buffer) => buf.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, params: ScryptParams = active): Promise<string> {
  if (password.length > MAX_PASSWORD_LENGTH) throw new RangeError(`password longer than ${MAX_PASSWORD_LENGTH} characters`);
  const salt = randomBytes(SALT_LENGTH);
  const key = await scrypt(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

interface Parsed {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

export function parseHash(encoded: string): Parsed | undefined {
  const m = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(encoded);
  if (!m) return undefined;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.ln < 1 || params.ln > MAX.ln || params.r < 1 || params.r > MAX.r || params.p < 1 || params.p > MAX.p) return undefined;
  return { params, salt: Buffer.from(m[4], 'base64'), key: Buffer.from(m[5], 'base64') };
}

/** True when `password` matches `encoded`. Constant-time comparison; false for malformed hashes. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed || parsed.key.length !== KEY_LENGTH || password.length > MAX_PASSWORD_LENGTH) return false;
  const key = await scrypt(password, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key);
}

/** True when `encoded` was made with other (older) parameters than the current ones, or is malformed. */
export function needsRehash(encoded: string, params: ScryptParams = active): boolean {
  const parsed = parseHash(encoded);
  return !parsed || parsed.params.ln !== params.ln || parsed.params.r !== params.r || parsed.params.p !== params.p;
}

let dummy: Promise<string> | undefined;

/**
 * For a login with an unknown email: spends the same scrypt time as a real check and returns
 * false, so response time does not reveal whether the account exists.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword('dummy password, never matches anything real');
  await verifyPassword(password, await dummy);
  return false;
}

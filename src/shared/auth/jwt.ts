import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { AppError, type ErrorCode } from '@/shared/errors.js';

export type Role = 'user' | 'admin';

export interface AccessClaims {
  userId: string;
  role: Role;
  email: string;
  /** The session (refresh-token family) the token was issued for: revoking it ends the token too. */
  sessionId: string;
}

const ISSUER = 'pdf-studio';
const AUDIENCE = 'pdf-studio-api';

export class UnauthorizedError extends AppError {
  constructor(code: ErrorCode = 'unauthorized', message = 'Authentication is required') {
    super(code, message);
  }
}

/** Short-lived HS256 access tokens; refresh tokens are opaque and stored hashed (see refresh tokens repository). */
export class AccessTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async sign(claims: AccessClaims): Promise<{ token: string; expiresIn: number }> {
    const token = await new SignJWT({ role: claims.role, email: claims.email, sid: claims.sessionId, typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
    return { token, expiresIn: this.ttlSeconds };
  }

  async verify(token: string): Promise<AccessClaims> {
    try {
      // A token without an expiry or a session would be valid for ever and could not be revoked.
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      if (payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.sid !== 'string')
        throw new UnauthorizedError('token_invalid', 'The token is not an access token');
      return {
        userId: payload.sub,
        role: payload.role === 'admin' ? 'admin' : 'user',
        email: String(payload.email ?? ''),
        sessionId: payload.sid,
      };
    } catch (err) {
      if (err instanceof UnauthorizedError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new UnauthorizedError('token_expired', 'The access token has expired; refresh it');
      throw new UnauthorizedError('token_invalid', 'The access token is invalid');
    }
  }
}

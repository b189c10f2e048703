import { ApiError, networkError, problemFromResponse } from './problem.js';
import type { AuthResponse, TokenPair, User } from './types.js';

/**
 * The one HTTP client of the studio. The access token lives only in memory; the refresh token in
 * localStorage so a reload keeps the session. A 401 `token_expired` triggers one refresh (shared by
 * all concurrent requests) and the request is retried once; a failed refresh signs the user out.
 */

export const REFRESH_TOKEN_KEY = 'pdfstudio.refreshToken';

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface RequestOptions {
  body?: unknown;
  /** A raw body (FormData, Blob): sent as is. */
  rawBody?: BodyInit;
  headers?: Record<string, string>;
  accept?: string;
  /** Return the Response itself (for binary bodies). */
  raw?: boolean;
  signal?: AbortSignal;
}

export type AuthListener = (user: User | null) => void;

/** What the sign-in page says once the server no longer accepts the session. */
export const SESSION_ENDED = 'Your session ended: sign in again.';

export class ApiClient {
  private accessToken: string | null = null;
  private refreshing: Promise<boolean> | null = null;
  private listeners = new Set<AuthListener>();
  user: User | null = null;
  /**
   * Why the session was ended by the server's refusal (the refresh token expired, revoked, reused),
   * for the sign-in page to say so; null after a sign-out the user asked for, or a new sign-in.
   */
  endedReason: string | null = null;

  constructor(
    readonly baseUrl: string = '',
    private readonly storage: KeyValueStorage = globalThis.localStorage,
    private readonly fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args),
  ) {}

  onAuthChange(fn: AuthListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get token(): string | null {
    return this.accessToken;
  }

  hasRefreshToken(): boolean {
    return this.storage.getItem(REFRESH_TOKEN_KEY) !== null;
  }

  private setTokens(t: TokenPair): void {
    this.endedReason = null;
    this.accessToken = t.accessToken;
    this.storage.setItem(REFRESH_TOKEN_KEY, t.refreshToken);
  }

  private setUser(user: User | null): void {
    this.user = user;
    for (const l of this.listeners) l(user);
  }

  /** Forgets the session locally (no request); `reason`: the server ended it, in words for the user. */
  clearSession(reason: string | null = null): void {
    this.endedReason = reason;
    this.accessToken = null;
    this.storage.removeItem(REFRESH_TOKEN_KEY);
    this.setUser(null);
  }

  async register(input: { email: string; password: string; name: string }): Promise<User> {
    const res = await this.request<AuthResponse>('POST', '/api/auth/register', { body: input }, false);
    this.setTokens(res);
    this.setUser(res.user);
    return res.user;
  }

  async login(input: { email: string; password: string }): Promise<User> {
    const res = await this.request<AuthResponse>('POST', '/api/auth/login', { body: input }, false);
    this.setTokens(res);
    this.setUser(res.user);
    return res.user;
  }

  async logout(): Promise<void> {
    const refreshToken = this.storage.getItem(REFRESH_TOKEN_KEY);
    try {
      if (refreshToken) await this.request('POST', '/api/auth/logout', { body: { refreshToken } }, false);
    } catch {
      // Signing out locally matters more than telling the server.
    } finally {
      this.clearSession();
    }
  }

  /** Restores a session from the stored refresh token (on page load). */
  async restore(): Promise<User | null> {
    if (!this.hasRefreshToken()) return null;
    if (!(await this.refresh())) return null;
    const { user } = await this.request<{ user: User }>('GET', '/api/auth/me');
    this.setUser(user);
    return user;
  }

  /** Exchanges the refresh token for new tokens; one at a time. */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const refreshToken = this.storage.getItem(REFRESH_TOKEN_KEY);
      if (!refreshToken) return false;
      try {
        const t = await this.request<TokenPair>('POST', '/api/auth/refresh', { body: { refreshToken } }, false);
        this.setTokens(t);
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) this.clearSession(SESSION_ENDED);
        if (err instanceof ApiError && err.status === 0) throw err;
        return false;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Sends a request; JSON in and out unless `raw`. */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}, auth = true): Promise<T> {
    const res = await this.send(method, path, opts, auth);
    if (opts.raw) return res as T;
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async send(method: string, path: string, opts: RequestOptions, auth: boolean, retried = false): Promise<Response> {
    const headers: Record<string, string> = { accept: opts.accept ?? 'application/json', ...opts.headers };
    let body: BodyInit | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    if (auth && this.accessToken) headers.authorization = `Bearer ${this.accessToken}`;
    let res: Response;
    try {
      res = await this.fetchImpl(this.baseUrl + path, { method, headers, body, signal: opts.signal });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw networkError(err);
    }
    if (res.ok) return res;
    const error = await problemFromResponse(res);
    if (auth && res.status === 401 && !retried && (error.code === 'token_expired' || !this.accessToken)) {
      if (await this.refresh()) return this.send(method, path, opts, auth, true);
    }
    if (auth && res.status === 401 && retried) this.clearSession(SESSION_ENDED);
    throw error;
  }
}

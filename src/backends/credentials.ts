/**
 * Credentials bound to the origin they were entered for. Pure (no `vscode`): the extension passes its
 * SecretStorage, which fits `SecretStore`.
 *
 * One secret per origin (`scheme://host:port`, default ports spelled out), for every backend. A URL whose
 * origin has no stored secret gets no credentials: a workspace that points a backend URL somewhere else
 * cannot make the extension send the user's token there.
 */
import type { BackendAuth } from './http';

/** What VS Code's SecretStorage offers (and what tests fake). */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

export type StoredCredentials = { token: string } | { username: string; password: string };

const KEY_PREFIX = 'telemetryLens.credentials:';
const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** `scheme://host:port` of an http(s) URL (default port made explicit), or undefined if it is not one. */
export function originOf(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return undefined;
  }
  const port = u.port || DEFAULT_PORTS[u.protocol];
  if (!port) return undefined;
  return `${u.protocol}//${u.hostname}:${port}`;
}

/** The SecretStorage key of an origin's credentials. */
export function secretKeyFor(origin: string): string {
  return `${KEY_PREFIX}${origin}`;
}

export class CredentialStore {
  constructor(
    private readonly secrets: SecretStore,
    private readonly onProblem: (message: string) => void = () => undefined,
  ) {}

  /** The credentials stored for the origin of `url`, or undefined (also for an unreadable entry). */
  async get(url: string): Promise<StoredCredentials | undefined> {
    const origin = originOf(url);
    if (!origin) return undefined;
    const raw = await this.secrets.get(secretKeyFor(origin));
    if (!raw) return undefined;
    const parsed = parseCredentials(raw);
    if (!parsed) this.onProblem(`the credentials stored for ${origin} are unreadable: set them again`);
    return parsed;
  }

  /** The auth to send to `url` for the configured kind; `none` when its origin has no matching secret. */
  async authFor(url: string, kind: 'none' | 'bearer' | 'basic'): Promise<BackendAuth> {
    if (kind === 'none') return { type: 'none' };
    const cred = await this.get(url);
    if (kind === 'bearer' && cred && 'token' in cred) return { type: 'bearer', token: cred.token };
    if (kind === 'basic' && cred && 'username' in cred) return { type: 'basic', username: cred.username, password: cred.password };
    return { type: 'none' };
  }

  async set(url: string, cred: StoredCredentials): Promise<void> {
    await this.secrets.store(this.keyOf(url), JSON.stringify(cred));
  }

  async clear(url: string): Promise<void> {
    await this.secrets.delete(this.keyOf(url));
  }

  /**
   * Moves a secret from the old single key (attached to whatever URL was configured) to the entry of
   * `url`'s origin — the user-level URL, the one the user entered it for. An existing entry wins.
   */
  async migrate(legacyKey: string, url: string): Promise<boolean> {
    const raw = await this.secrets.get(legacyKey);
    if (!raw) return false;
    const origin = originOf(url);
    if (origin && parseCredentials(raw) && !(await this.secrets.get(secretKeyFor(origin)))) {
      await this.secrets.store(secretKeyFor(origin), raw);
    }
    await this.secrets.delete(legacyKey);
    return true;
  }

  /** Whether a SecretStorage change event concerns stored credentials. */
  static isCredentialKey(key: string): boolean {
    return key.startsWith(KEY_PREFIX);
  }

  private keyOf(url: string): string {
    const origin = originOf(url);
    if (!origin) throw new Error('credentials need an http:// or https:// URL');
    return secretKeyFor(origin);
  }
}

function parseCredentials(raw: string): StoredCredentials | undefined {
  try {
    const v = JSON.parse(raw) as { token?: unknown; username?: unknown; password?: unknown };
    if (typeof v.token === 'string' && v.token) return { token: v.token };
    if (typeof v.username === 'string') return { username: v.username, password: typeof v.password === 'string' ? v.password : '' };
  } catch {
    /* unreadable */
  }
  return undefined;
}

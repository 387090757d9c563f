// The signed-in session: the access token and its scopes, kept in this tab's sessionStorage
// only (gone when the tab closes or on sign-out; never a cookie, never a URL), and what the
// scopes allow. The rules mirror the server's (decisions.md D10): `manage_project:{p}` allows
// everything in p, `view_project:{p}` every `view_*`, `manage_X` implies `view_X`, and a
// project-wide scope covers every store while a store-scoped one (`manage_customers:{p}:{s}`)
// covers store s only. The server checks every request anyway; this only decides what the
// console offers.

const KEY = 'storekeep.console.session';

/** Parse a space-separated scope string into `{name, project, store}` entries. */
export function parseScopes(scope) {
  return (scope || '').split(/\s+/).filter(Boolean).map((s) => {
    const [name, project, store] = s.split(':');
    return { name, project, store: store || null };
  });
}

/** What a set of scopes allows in one project. */
export class Grants {
  constructor(scope) {
    this.scopes = parseScopes(scope).filter((s) => s.project);
    this.project = this.scopes.length ? this.scopes[0].project : null;
  }

  /** Does one held scope give `name` (for `store`, or project-wide when `store` is null)? */
  static implies(held, name, store) {
    if (held.name === 'manage_project') return true;
    if (held.name === 'view_project') return name.startsWith('view_');
    if (held.store && held.store !== store) return false;
    if (held.name === name) return true;
    const managed = held.name.startsWith('manage_') && held.name.slice(7);
    return Boolean(managed) && name === `view_${managed}`;
  }

  /** Is `name` granted project-wide, or (with `store`) for that store? */
  can(name, store = null) {
    return this.scopes.some((s) => s.project === this.project && Grants.implies(s, name, store));
  }

  /** The stores for which only a store-scoped form of `name` is held (sorted keys). */
  storesFor(name) {
    const keys = this.scopes
      .filter((s) => s.store && Grants.implies(s, name, s.store))
      .map((s) => s.store);
    return [...new Set(keys)].sort();
  }

  /** Can the holder see customers at all (project-wide or in some store)? */
  seesCustomers() {
    return this.can('view_customers') || this.storesFor('view_customers').length > 0;
  }
}

/** The stored session (`{token, scope, clientId, expiresAt}`), if one is still valid. */
export function loadSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    if (s && s.token && s.expiresAt > Date.now()) return s;
  } catch {
    // A damaged entry is the same as none.
  }
  sessionStorage.removeItem(KEY);
  return null;
}

/** Keep a new session from a token response. */
export function saveSession(clientId, tokenResponse) {
  const s = {
    token: tokenResponse.access_token,
    scope: tokenResponse.scope || '',
    clientId,
    expiresAt: Date.now() + (Number(tokenResponse.expires_in) || 3600) * 1000,
  };
  sessionStorage.setItem(KEY, JSON.stringify(s));
  return s;
}

/** Forget the session. */
export function forgetSession() {
  sessionStorage.removeItem(KEY);
}

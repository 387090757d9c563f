// The console's only way to the server: storekeep's own REST, OAuth and GraphQL endpoints on
// this origin. The bearer token goes in the Authorization header only (never in a URL), and
// no request carries cookies.

/** An error answer of the API, with the body's message and its `errors` list. */
export class ApiError extends Error {
  constructor(status, body, fallback) {
    const b = body && typeof body === 'object' ? body : {};
    super(b.message || b.error_description || fallback || `HTTP ${status}`);
    this.status = status;
    this.code = b.error || (b.errors && b.errors[0] && b.errors[0].code) || '';
    this.errors = Array.isArray(b.errors) ? b.errors : [];
    this.body = body;
  }
}

const BASE_INIT = { credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' };

async function readBody(res) {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Base64 of a UTF-8 string (`btoa` alone takes Latin-1 only). */
function base64(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * The client-credentials flow (`POST /oauth/token`): `{access_token, scope, expires_in}`.
 * The secret goes in the Basic authorization header, as the SDKs send it.
 */
export async function requestToken(clientId, secret) {
  const res = await fetch('/oauth/token', {
    ...BASE_INIT,
    method: 'POST',
    headers: {
      Authorization: `Basic ${base64(`${clientId}:${secret}`)}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const body = await readBody(res);
  if (!res.ok) throw new ApiError(res.status, body, 'The sign-in was refused.');
  return body;
}

/** A path segment naming a resource by key (`key=berlin`). */
export function byKey(key) {
  return `key=${encodeURIComponent(key)}`;
}

/**
 * A client for one project and token. `onExpired` runs when the server answers 401 (the
 * token expired or was revoked), so the console can sign out.
 */
export function apiClient(project, token, onExpired) {
  async function call(method, path, { query, body } = {}) {
    let url = `/${encodeURIComponent(project)}${path}`;
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query || {})) {
      if (v === undefined || v === null || v === '') continue;
      for (const one of Array.isArray(v) ? v : [v]) params.append(k, String(one));
    }
    if ([...params].length) url += `?${params}`;
    const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(url, {
      ...BASE_INIT,
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await readBody(res);
    if (res.status === 401 && onExpired) onExpired();
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }
  return {
    project,
    get: (path, query) => call('GET', path, { query }),
    post: (path, body, query) => call('POST', path, { body, query }),
    del: (path, query) => call('DELETE', path, { query }),
    /** Update a versioned resource with actions (no request when there are none). */
    update: (path, version, actions) =>
      actions.length ? call('POST', path, { body: { version, actions } }) : Promise.resolve(null),
    /** A GraphQL request to `endpoint`: the raw answer (data and errors), and the status. */
    async graphql(endpoint, request) {
      const res = await fetch(endpoint, {
        ...BASE_INIT,
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(request),
      });
      if (res.status === 401 && onExpired) onExpired();
      return { status: res.status, body: await readBody(res) };
    },
  };
}

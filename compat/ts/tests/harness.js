// Starts a storekeep binary on a free loopback port with a fresh database and gives tests an
// SDK client built exactly as a user would build one: only the API and auth URLs point at it.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { ClientBuilder } from '@commercetools/ts-client';
import { createApiBuilderFromCtpClient } from '@commercetools/platform-sdk';

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function databaseUrl(dir) {
  const backend = process.env.STOREKEEP_COMPAT_BACKEND || 'sqlite';
  if (backend === 'postgres') {
    const base = process.env.STOREKEEP_COMPAT_PG_URL;
    if (!base) throw new Error('STOREKEEP_COMPAT_PG_URL is required for the postgres backend');
    // One database per server: a fresh schema every time.
    const name = `sk_compat_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const admin = new URL(base);
    execFileSync('psql', ['-h', admin.hostname, '-p', admin.port || '5432', '-U', admin.username || 'postgres',
      '-d', 'postgres', '-qc', `CREATE DATABASE ${name}`]);
    admin.pathname = `/${name}`;
    return { url: admin.toString(), drop: () => execFileSync('psql', ['-h', admin.hostname, '-p', admin.port || '5432',
      '-U', admin.username || 'postgres', '-d', 'postgres', '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]) };
  }
  return { url: `sqlite:${join(dir, 'storekeep.db')}`, drop: () => {} };
}

/** Start a server; returns { baseUrl, projectKey, clientId, clientSecret, stop() }. */
export async function startServer() {
  const bin = process.env.STOREKEEP_BIN;
  if (!bin) throw new Error('STOREKEEP_BIN must name the storekeep binary');
  const dir = mkdtempSync(join(tmpdir(), 'storekeep-compat-'));
  const port = await freePort();
  const db = databaseUrl(dir);
  const projectKey = `compat-${randomUUID().slice(0, 8)}`;
  const clientId = `client-${randomUUID().slice(0, 8)}`;
  const clientSecret = randomUUID() + randomUUID();
  const child = spawn(bin, ['serve'], {
    env: {
      ...process.env,
      STOREKEEP_LISTEN: `127.0.0.1:${port}`,
      STOREKEEP_DATABASE_URL: db.url,
      STOREKEEP_LOG: 'warn',
      CTP_PROJECT_KEY: projectKey,
      CTP_CLIENT_ID: clientId,
      CTP_CLIENT_SECRET: clientSecret,
      CTP_SCOPES: `manage_project:${projectKey}`,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    try {
      const r = await fetch(`${baseUrl}/ready`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (child.exitCode !== null) throw new Error(`storekeep exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('storekeep did not become ready');
    await new Promise((res) => setTimeout(res, 100));
  }
  return {
    baseUrl, projectKey, clientId, clientSecret,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((res) => child.once('exit', res));
      db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An API root for the project, authenticated by the client-credentials middleware. */
export function apiRoot(server, { scopes, credentials, concurrentModification = false } = {}) {
  let builder = new ClientBuilder()
    .withProjectKey(server.projectKey)
    .withClientCredentialsFlow({
      host: server.baseUrl,
      projectKey: server.projectKey,
      credentials: credentials || { clientId: server.clientId, clientSecret: server.clientSecret },
      scopes: scopes || [`manage_project:${server.projectKey}`],
      httpClient: fetch,
    })
    .withHttpMiddleware({ host: server.baseUrl, httpClient: fetch });
  if (concurrentModification) builder = builder.withConcurrentModificationMiddleware();
  return createApiBuilderFromCtpClient(builder.build()).withProjectKey({ projectKey: server.projectKey });
}

/** Run `fn` and return the error the SDK throws (fails if it does not throw). */
export async function sdkError(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the SDK call to fail');
}

/** A token cache the test can read and age (the SDK's `TokenCache` interface). */
export function memoryTokenCache() {
  let value = { token: '', expirationTime: -1 };
  return { get: () => value, set: (v) => { value = v; } };
}

/** A fetch that records every call (`calls[i] = { url, body }`) and then fetches. */
export function recordingFetch() {
  const calls = [];
  const spy = (url, init = {}) => {
    calls.push({ url: String(url), body: typeof init.body === 'string' ? init.body : '' });
    return fetch(url, init);
  };
  return { calls, fetch: spy };
}

function rootOf(server, builder, httpClient) {
  const client = builder
    .withHttpMiddleware({ host: server.baseUrl, httpClient })
    .build();
  return createApiBuilderFromCtpClient(client).withProjectKey({ projectKey: server.projectKey });
}

/**
 * An API root of a customer signed in with the SDK's password-flow middleware: project-wide,
 * or through a store (`storeKey`: the middleware's `oauthUri` is the in-store token endpoint).
 */
export function passwordFlowRoot(server, { clientId, clientSecret, username, password, storeKey,
  scopes, tokenCache, httpClient = fetch }) {
  const options = {
    host: server.baseUrl,
    projectKey: server.projectKey,
    credentials: { clientId, clientSecret, user: { username, password } },
    httpClient,
  };
  if (storeKey) options.oauthUri = `/oauth/${server.projectKey}/in-store/key=${storeKey}/customers/token`;
  if (scopes) options.scopes = scopes;
  if (tokenCache) options.tokenCache = tokenCache;
  const builder = new ClientBuilder().withProjectKey(server.projectKey).withPasswordFlow(options);
  return rootOf(server, builder, httpClient);
}

/** An API root of an anonymous session (the SDK's anonymous-session middleware). */
export function anonymousRoot(server, { clientId, clientSecret, anonymousId, scopes, tokenCache,
  httpClient = fetch }) {
  const options = {
    host: server.baseUrl,
    projectKey: server.projectKey,
    credentials: { clientId, clientSecret, anonymousId },
    httpClient,
  };
  if (scopes) options.scopes = scopes;
  if (tokenCache) options.tokenCache = tokenCache;
  const builder = new ClientBuilder().withProjectKey(server.projectKey).withAnonymousSessionFlow(options);
  return rootOf(server, builder, httpClient);
}

/** An API root authenticated by the SDK's refresh-token middleware. */
export function refreshTokenRoot(server, { clientId, clientSecret, refreshToken, oauthUri,
  httpClient = fetch }) {
  const options = {
    host: server.baseUrl,
    projectKey: server.projectKey,
    credentials: { clientId, clientSecret },
    refreshToken,
    httpClient,
  };
  if (oauthUri) options.oauthUri = oauthUri;
  const builder = new ClientBuilder().withProjectKey(server.projectKey).withRefreshTokenFlow(options);
  return rootOf(server, builder, httpClient);
}

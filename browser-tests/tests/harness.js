// Harness of the console's browser tests: a storekeep server (the binary in STOREKEEP_BIN, a
// fresh SQLite file, a free loopback port, an admin client made at start-up from CTP_*), and
// Debian's Chromium driven by playwright-core. Every page is watched: a request to any other
// origin is blocked and recorded, and so are script errors and Content-Security-Policy
// violations; `checkPage` fails the test on any of them.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** Screenshots of the main pages, for review (not committed). */
export const SHOTS = resolve(process.env.STOREKEEP_SCREENSHOTS || join(HERE, '../../target/console-screenshots'));

/** The flags Debian's Chromium needs on a machine without internet (no background traffic). */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function waitReady(base, child) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`storekeep exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('storekeep did not become ready');
}

/** Start storekeep on SQLite with project `demo` and an admin client. */
export async function startServer() {
  const bin = process.env.STOREKEEP_BIN;
  if (!bin) throw new Error('set STOREKEEP_BIN to the storekeep binary');
  const dir = mkdtempSync(join(tmpdir(), 'storekeep-console-'));
  const port = await freePort();
  const admin = { project: 'demo', clientId: 'console-admin', secret: 'console-admin-secret-4f2a9c' };
  const child = spawn(bin, ['serve'], {
    env: {
      ...process.env,
      STOREKEEP_LISTEN: `127.0.0.1:${port}`,
      STOREKEEP_DATABASE_URL: `sqlite:${join(dir, 'storekeep.db')}`,
      STOREKEEP_LOG: 'warn',
      CTP_PROJECT_KEY: admin.project,
      CTP_CLIENT_ID: admin.clientId,
      CTP_CLIENT_SECRET: admin.secret,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitReady(base, child);
  return {
    base, admin, dir,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The API as a test sets it up: a token of `client`, then JSON calls. */
export async function apiAs(server, client) {
  const basic = Buffer.from(`${client.clientId}:${client.secret}`).toString('base64');
  const res = await fetch(`${server.base}/oauth/token`, {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const { access_token: token } = await res.json();
  return async (method, path, body) => {
    const r = await fetch(`${server.base}/${server.admin.project}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/** Debian's Chromium, headless, with a fresh profile (playwright makes a new user-data-dir). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * A new browser context and page for `server`, with its watch: `foreign` (requests to other
 * origins, blocked), `problems` (script errors, CSP violations), `urls` (every request URL).
 */
export async function openPage(browser, server) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const watch = { foreign: [], problems: [], urls: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    watch.urls.push(url);
    if (new URL(url).origin === server.base) return route.continue();
    watch.foreign.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => watch.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    // A failed API call (4xx) is logged by Chromium as a resource error; those are expected.
    if (m.type() === 'error' && !/Failed to load resource/.test(text)) watch.problems.push(`console: ${text}`);
  });
  return { context, page, watch };
}

/** Save a screenshot of the page under SHOTS. */
export async function screenshot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Sign in through the console's form. */
export async function signIn(page, server, client) {
  await page.goto(`${server.base}/admin`);
  await page.getByLabel('Client ID').fill(client.clientId);
  await page.getByLabel('Client secret').fill(client.secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

"""Starts a storekeep binary on a free loopback port with a fresh database for each test
module, and builds the commercetools Python SDK client exactly as a user would: only
CTP_API_URL / CTP_AUTH_URL (here: constructor arguments) point at storekeep."""

import os
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid

import pytest

# oauthlib refuses plain-HTTP token URLs unless told otherwise; storekeep serves HTTP on
# loopback in these tests (behind TLS termination in production).
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")

from commercetools.platform.client import Client  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database(tmp: str):
    backend = os.environ.get("STOREKEEP_COMPAT_BACKEND", "sqlite")
    if backend == "postgres":
        base = os.environ["STOREKEEP_COMPAT_PG_URL"]
        name = "sk_compat_py_" + uuid.uuid4().hex[:16]
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                        f"CREATE DATABASE {name}"], check=True)
        url = base.rsplit("/", 1)[0] + "/" + name

        def drop():
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                            f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)
        return url, drop
    return f"sqlite:{os.path.join(tmp, 'storekeep.db')}", lambda: None


class Server:
    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="storekeep-compat-py-")
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.project_key = "py-" + uuid.uuid4().hex[:8]
        self.client_id = "py-client-" + uuid.uuid4().hex[:8]
        self.client_secret = uuid.uuid4().hex + uuid.uuid4().hex
        url, self._drop = _database(self.tmp.name)
        env = dict(os.environ,
                   STOREKEEP_LISTEN=f"127.0.0.1:{self.port}",
                   STOREKEEP_DATABASE_URL=url,
                   STOREKEEP_LOG="warn",
                   CTP_PROJECT_KEY=self.project_key,
                   CTP_CLIENT_ID=self.client_id,
                   CTP_CLIENT_SECRET=self.client_secret,
                   CTP_SCOPES=f"manage_project:{self.project_key}")
        self.proc = subprocess.Popen([os.environ["STOREKEEP_BIN"], "serve"], env=env,
                                     stdout=subprocess.DEVNULL)
        deadline = time.time() + 20
        while True:
            try:
                with urllib.request.urlopen(self.base_url + "/ready", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"storekeep exited with {self.proc.returncode}")
            if time.time() > deadline:
                raise RuntimeError("storekeep did not become ready")
            time.sleep(0.1)

    def client(self, scopes=None, client_id=None, client_secret=None) -> Client:
        return Client(
            client_id=client_id or self.client_id,
            client_secret=client_secret or self.client_secret,
            scope=scopes or [f"manage_project:{self.project_key}"],
            url=self.base_url,
            token_url=self.base_url,
        )

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)
        self._drop()
        self.tmp.cleanup()


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def api(server):
    return server.client().with_project_key(server.project_key)

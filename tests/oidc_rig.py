"""Test rig: a real OpenID Connect provider (panva/oidc-provider) for tests.

The provider lives in ``tests/oidc_provider`` (``server.mjs`` + a pinned
``package.json``/``package-lock.json``). This module installs its npm
dependencies on demand, runs it on a free loopback port for the duration of a
``with`` block, and drives its built-in development login form the way a
person's browser would, so tests exercise the application's real OIDC client
code end to end.

Typical use in a test::

    with running_provider("harbourlink", "s3cret", redirect_uri) as issuer:
        # configure the app with `issuer`, start the login, then:
        callback = complete_login(browser, authorize_url, "alice")
        app_client.get(callback)  # the app exchanges the code

The provider accepts any login name (the password is ignored); the account's
``sub`` is the login name, its ``email`` is the login if it contains ``@``,
else ``<login>@example.hk`` (``email_verified`` is true) and ``name`` is the
login.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import queue
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

__all__ = [
    "PROVIDER_DIR",
    "READY_TIMEOUT_SECONDS",
    "complete_login",
    "ensure_installed",
    "running_provider",
]

PROVIDER_DIR: Path = Path(__file__).resolve().parent / "oidc_provider"
"""Directory holding ``server.mjs``, ``package.json`` and ``package-lock.json``."""

READY_TIMEOUT_SECONDS: float = 20.0
"""How long :func:`running_provider` waits for the provider's ``READY`` line."""

_NPM_CI_TIMEOUT_SECONDS = 600.0
_MAX_LOGIN_STEPS = 20
_PORT_ATTEMPTS = 3


def _require_tool(name: str) -> str:
    """Return the absolute path of executable ``name`` or raise RuntimeError."""
    path = shutil.which(name)
    if path is None:
        msg = (
            f"{name!r} was not found on PATH; the OIDC test provider needs "
            "Node.js (>= 18) and npm installed (e.g. `apt-get install nodejs npm`)."
        )
        raise RuntimeError(msg)
    return path


def _installed() -> bool:
    """Tell whether the provider's npm dependencies are present."""
    return (PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json").is_file()


def ensure_installed() -> None:
    """Install the provider's npm dependencies if ``node_modules`` is missing.

    Runs ``npm ci --no-audit --no-fund`` in :data:`PROVIDER_DIR` (exactly the
    versions in ``package-lock.json``). Safe to call from several pytest-xdist
    workers at once: the install is serialised by a file lock. Raises
    RuntimeError if node or npm is missing or if ``npm ci`` fails.
    """
    _require_tool("node")
    if _installed():
        return
    npm = _require_tool("npm")
    digest = hashlib.sha256(str(PROVIDER_DIR).encode()).hexdigest()[:16]
    lock_path = Path(tempfile.gettempdir()) / f"harbourlink-oidc-npm-{digest}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if _installed():
                return
            try:
                result = subprocess.run(
                    [npm, "ci", "--no-audit", "--no-fund"],
                    cwd=PROVIDER_DIR,
                    capture_output=True,
                    text=True,
                    timeout=_NPM_CI_TIMEOUT_SECONDS,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                msg = f"`npm ci` in {PROVIDER_DIR} timed out after {exc.timeout} s"
                raise RuntimeError(msg) from exc
            if result.returncode != 0 or not _installed():
                msg = f"`npm ci` in {PROVIDER_DIR} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
                raise RuntimeError(msg)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _OutputPump:
    """Read a process's combined output on a thread, keeping every line."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        """Start reading ``proc.stdout`` in a daemon thread."""
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._proc = proc
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        """Copy lines to :attr:`lines` and the queue; ``None`` marks EOF."""
        stream = self._proc.stdout
        if stream is not None:
            for line in stream:
                self.lines.append(line)
                self._queue.put(line)
        self._queue.put(None)

    def wait_for_ready(self, timeout: float) -> str | None:
        """Return the issuer from the ``READY <issuer>`` line, or None on EOF/timeout."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                return None
            if line is None:
                return None
            if line.startswith("READY "):
                return line.split(" ", 1)[1].strip()
        return None

    def join(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for the output to end; tell whether it did."""
        self._thread.join(timeout=timeout)
        return not self._thread.is_alive()

    def text(self) -> str:
        """Return everything the process printed so far."""
        return "".join(self.lines)


def _stop(proc: subprocess.Popen[str], pump: _OutputPump) -> None:
    """Terminate ``proc`` (SIGTERM, then SIGKILL after 5 s), reap it, drain its output."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    if pump.join(timeout=5) and proc.stdout is not None:
        proc.stdout.close()


@contextlib.contextmanager
def running_provider(client_id: str, client_secret: str, redirect_uri: str) -> Iterator[str]:
    """Run the OIDC provider for one confidential client; yield its issuer URL.

    Installs the npm dependencies if needed (:func:`ensure_installed`), picks a
    free port on 127.0.0.1, starts ``node server.mjs`` and waits up to
    :data:`READY_TIMEOUT_SECONDS` for its ``READY`` line (raising RuntimeError
    with the provider's output otherwise). The issuer is
    ``http://127.0.0.1:<port>``; discovery is at
    ``<issuer>/.well-known/openid-configuration``. ``redirect_uri`` may hold
    several URIs separated by whitespace or commas. The client authenticates at
    the token endpoint with ``client_secret_basic``. The provider process is
    terminated when the block exits; if the block raises, the provider's output
    is attached to the exception as a note.
    """
    ensure_installed()
    node = _require_tool("node")
    failures: list[str] = []
    for _attempt in range(_PORT_ATTEMPTS):
        port = _free_port()
        env = {
            **os.environ,
            "OIDC_PORT": str(port),
            "OIDC_CLIENT_ID": client_id,
            "OIDC_CLIENT_SECRET": client_secret,
            "OIDC_REDIRECT_URI": redirect_uri,
            "NODE_ENV": "development",
        }
        proc = subprocess.Popen(
            [node, "server.mjs"],
            cwd=PROVIDER_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        pump = _OutputPump(proc)
        try:
            issuer = pump.wait_for_ready(READY_TIMEOUT_SECONDS)
        except BaseException:
            _stop(proc, pump)
            raise
        if issuer is None:
            _stop(proc, pump)
            output = pump.text()
            failures.append(output)
            if "EADDRINUSE" in output:
                continue  # lost a race for the port; try another one
            msg = (
                f"OIDC provider failed to start: no READY line within {READY_TIMEOUT_SECONDS} s "
                f"(exit code {proc.returncode}; negative = killed by the rig). Output:\n{output}"
            )
            raise RuntimeError(msg)
        try:
            yield issuer
        except GeneratorExit:
            raise
        except BaseException as exc:
            _stop(proc, pump)
            exc.add_note(f"OIDC provider output:\n{pump.text()}")
            raise
        finally:
            _stop(proc, pump)
        return
    msg = "OIDC provider could not bind a free port:\n" + "\n---\n".join(failures)
    raise RuntimeError(msg)


class _Form:
    """One HTML ``<form>``: its action, method and named input values."""

    def __init__(self, action: str, method: str) -> None:
        """Create an empty form posting to ``action`` with ``method``."""
        self.action = action
        self.method = method
        self.fields: dict[str, str] = {}


class _FormParser(HTMLParser):
    """Collect the forms of a page and their ``<input>`` fields."""

    def __init__(self) -> None:
        """Start with no forms."""
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._current: _Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a form, or record an input inside the open form."""
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._current = _Form(attr.get("action", ""), attr.get("method", "get").lower())
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and attr.get("name"):
            name = attr["name"]
            self._current.fields[name] = attr.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        """Close the open form."""
        if tag == "form":
            self._current = None


def _parse_forms(html: str) -> list[_Form]:
    """Return the forms found in ``html``."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def _origin(url: str) -> tuple[str, str]:
    """Return (scheme, netloc) of ``url``, lower-cased."""
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _is_callback(url: str, redirect_uri: str | None, provider_origin: tuple[str, str]) -> bool:
    """Tell whether ``url`` is the redirect back to the client.

    With a known ``redirect_uri`` it must match its scheme, host, port and
    path; otherwise any URL off the provider's origin counts.
    """
    if redirect_uri is None:
        return _origin(url) != provider_origin
    return _origin(url) == _origin(redirect_uri) and urlsplit(url).path == urlsplit(redirect_uri).path


def complete_login(client: httpx.Client, authorize_url: str, login: str) -> str:
    """Sign ``login`` in at the provider and return the client's callback URL.

    Starting from ``authorize_url`` (the provider authorization URL the
    application redirected to), follow the provider's redirects one by one,
    fill in its development login form (``login`` plus a dummy ``password``;
    any name is accepted) and submit the consent form should one appear, until
    the provider redirects to the client's ``redirect_uri``. That URL (with
    ``code``, ``state`` and ``iss``, or ``error`` if the provider refused the
    request) is returned WITHOUT being requested, so the caller can hand it to
    the application.

    ``client`` must persist cookies (any ``httpx.Client`` does): the provider
    ties the steps together with its own cookies. It must really reach the
    provider over the network, so do not pass a client whose transport is an
    in-process app (e.g. Starlette's ``TestClient``); use a plain
    ``httpx.Client()`` for the provider and request the returned URL with the
    app's client. Raises RuntimeError if the pages do not lead to the callback.
    """
    redirect_uri_values = parse_qs(urlsplit(authorize_url).query).get("redirect_uri")
    redirect_uri = redirect_uri_values[0] if redirect_uri_values else None
    provider_origin = _origin(authorize_url)

    method = "GET"
    url = authorize_url
    data: dict[str, str] | None = None
    trail: list[str] = []
    for _step in range(_MAX_LOGIN_STEPS):
        trail.append(f"{method} {url}")
        response = client.request(method, url, data=data, follow_redirects=False)
        method, data = "GET", None

        if response.is_redirect:
            location = response.headers["location"]
            next_url = urljoin(str(response.url), location)
            if _is_callback(next_url, redirect_uri, provider_origin):
                return next_url
            url = next_url
            continue

        if response.status_code != httpx.codes.OK:
            msg = (
                f"OIDC provider answered {response.status_code} to {trail[-1]}: {response.text[:2000]}\nsteps: {trail}"
            )
            raise RuntimeError(msg)

        forms = [f for f in _parse_forms(response.text) if f.method == "post"]
        prompts = {f.fields.get("prompt"): f for f in forms}
        if "login" in prompts:
            form = prompts["login"]
            data = dict(form.fields)
            data["login"] = login
            data["password"] = data.get("password") or "any-password"
        elif "consent" in prompts:
            form = prompts["consent"]
            data = dict(form.fields)
        else:
            callback_forms = [
                f for f in forms if _is_callback(urljoin(str(response.url), f.action), redirect_uri, provider_origin)
            ]
            if callback_forms:
                msg = (
                    "the provider answered with a form_post response; complete_login "
                    "only supports response_mode=query (the default for response_type=code)"
                )
                raise RuntimeError(msg)
            msg = f"unexpected page from the OIDC provider at {response.url}: {response.text[:2000]}\nsteps: {trail}"
            raise RuntimeError(msg)
        method = "POST"
        url = urljoin(str(response.url), form.action)

    msg = f"no redirect to the client after {_MAX_LOGIN_STEPS} steps: {trail}"
    raise RuntimeError(msg)

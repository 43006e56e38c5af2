"""Pytest plugin: pages opened in a real Chromium (Debian's package) driven by Playwright.

Registered from tests/conftest.py with ``pytest_plugins = ["tests.browser_support"]`` (or
``-p tests.browser_support`` on the command line).

Fixtures
--------
chromium
    Session-wide Playwright ``Browser`` running ``/usr/bin/chromium`` (or the path in
    ``MAILLAGE_CHROMIUM``). Never ``playwright install``: the Makefile installs Debian's
    ``chromium`` package. When it is missing the test is skipped, or fails when the
    environment variable ``CI`` is ``"true"``.
open_page
    Factory ``open_page(allow=("http://127.0.0.1:8123/",))`` returning a
    :class:`WatchedPage`: every request whose URL does not start with an allowed prefix is
    aborted and recorded, and console errors, page errors, failed requests and dialogs are
    recorded too.
offline_page
    ``open_page()`` with nothing allowed and the context offline: what a map sees on a
    USB stick in a room with no network.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

DEFAULT_CHROMIUM = "/usr/bin/chromium"

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# The machine running the suite may be slow and shared: generous, not flaky.
DEFAULT_TIMEOUT_MS = 60_000


@dataclass
class PageLog:
    """What happened in a page, for assertions."""

    requests: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        """Everything that should be empty on a healthy offline page."""
        found = {
            "blocked_requests": self.blocked_requests,
            "failed_requests": self.failed_requests,
            "console_errors": self.console_errors,
            "page_errors": self.page_errors,
            "dialogs": self.dialogs,
        }
        return {name: items for name, items in found.items() if items}


@dataclass
class WatchedPage:
    """A Playwright page, its log, and the URL prefixes it may fetch."""

    page: object  # playwright.sync_api.Page (imported lazily: see _playwright())
    log: PageLog
    allowed: list[str]

    def open_file(self, path: Path) -> None:
        """Navigate to a local file (only that file is allowed, not its neighbours)."""
        url = path.resolve().as_uri()
        self.allowed.append(url)
        self.page.goto(url)

    def open_html(self, html: str, directory: Path, name: str = "page.html") -> Path:
        """Write ``html`` as UTF-8 into ``directory`` and open it from a file:// URL."""
        path = directory / name
        path.write_text(html, encoding="utf-8")
        self.open_file(path)
        return path


def _playwright():
    try:
        from playwright import sync_api
    except ImportError:  # pragma: no cover - depends on the environment
        _missing("the playwright Python package is not installed (pip install -e '.[test]')")
    return sync_api


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; browser tests cannot be skipped in CI", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Path of the Chromium binary, or skip (fail in CI) when there is none."""
    wanted = os.environ.get("MAILLAGE_CHROMIUM", DEFAULT_CHROMIUM)
    path = shutil.which(wanted)  # an executable path, or a command name on PATH
    if path is None:
        _missing(
            f"Chromium not found at {wanted}: install Debian's package "
            "(apt-get install -y chromium) or set MAILLAGE_CHROMIUM"
        )
    return os.path.abspath(path)


@pytest.fixture(scope="session")
def chromium(chromium_executable: str) -> Iterator[object]:
    """A headless Chromium shared by the session's browser tests."""
    sync_api = _playwright()
    playwright = sync_api.sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def open_page(chromium) -> Iterator[Callable[..., WatchedPage]]:
    """Factory of watched pages, each in its own browser context (closed after the test)."""
    contexts = []

    def open_(allow: Iterable[str] = (), *, offline: bool = False,
              viewport: tuple[int, int] = (1280, 800)) -> WatchedPage:
        context = chromium.new_context(
            service_workers="block",
            viewport={"width": viewport[0], "height": viewport[1]},
            locale="fr-FR",
        )
        contexts.append(context)
        if offline:
            context.set_offline(True)
        page = context.new_page()
        page.set_default_timeout(DEFAULT_TIMEOUT_MS)
        watched = WatchedPage(page=page, log=PageLog(), allowed=list(allow))
        log = watched.log

        def route(route) -> None:
            url = route.request.url
            if any(url.startswith(prefix) for prefix in watched.allowed):
                route.continue_()
            else:
                log.blocked_requests.append(url)
                route.abort("blockedbyclient")

        context.route("**/*", route)
        page.on("request", lambda request: log.requests.append(request.url))
        page.on("requestfailed", lambda request: log.failed_requests.append(
            f"{request.url}: {request.failure}"))
        page.on("console", lambda message: log.console_errors.append(message.text)
                if message.type == "error" else None)
        page.on("pageerror", lambda error: log.page_errors.append(str(error)))

        def dialog(dialog) -> None:
            log.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", dialog)
        return watched

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def offline_page(open_page) -> WatchedPage:
    """A watched page with no network at all: every request is blocked and recorded."""
    return open_page(offline=True)

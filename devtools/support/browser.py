"""Debian's Chromium for the browser tests (driven by Playwright; never a browser that Playwright
downloads). When it is missing the tests fail — never skip — with the one command that installs it."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Iterator

CHROMIUM = "/usr/bin/chromium"
INSTALL_COMMAND = "apt-get install -y chromium fonts-wqy-microhei"  # the font: Chinese in the screenshots
MISSING_MESSAGE = (
    f"the browser tests need Debian's Chromium at {CHROMIUM}, which is missing; "
    f"install it with `{INSTALL_COMMAND}` (as root; .ci/run does it)"
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> str:
    """CHROMIUM, or an AssertionError naming the command that installs it."""
    assert Path(CHROMIUM).exists(), MISSING_MESSAGE
    return CHROMIUM


@contextlib.contextmanager
def chromium_page(workdir: Path, timeout_ms: int = 30_000, **options) -> Iterator[object]:
    """A page in headless Chromium with a new, empty profile (--user-data-dir) under `workdir`;
    `options` go to Playwright's launch_persistent_context (viewport, locale, has_touch, …)."""
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=workdir)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=FLAGS, **options
        )
        try:
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            yield page
        finally:
            context.close()


def log_in_to_staff_page(page, gateway: str, token: str, who: str) -> None:
    """Opens the staff page (/staff/) and logs in with `token`; returns once the header names `who`."""
    page.goto(gateway + "/staff/")
    page.fill("#token", token)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(f"#who:has-text('{who}')")

"""Headless Chromium for the browser tests: one browser per test session (per xdist worker).

The browser is Debian's ``chromium`` driven through ``chromium-driver`` with
selenium; ``scripts/setup.sh`` installs them. Where they are missing the tests
are skipped, unless ``CHAINGRAD_REQUIRE_BROWSER=1`` (set by the test command
that CI runs), which makes a missing browser a failure: CI must not pass by
skipping. The window is exactly 1,000 px wide, the width a drawing must fit.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.pages import VIEWPORT_HEIGHT, VIEWPORT_WIDTH

CHROMIUM = Path(os.environ.get("CHAINGRAD_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CHAINGRAD_CHROMEDRIVER", "/usr/bin/chromedriver"))
REQUIRED = os.environ.get("CHAINGRAD_REQUIRE_BROWSER", "") not in ("", "0")

FLAGS = (
    "--headless=new",
    "--no-sandbox",  # the sandbox needs privileges a container (or CI runner) may not give
    "--disable-gpu",
    "--disable-dev-shm-usage",  # /dev/shm is tiny in containers
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # every page under test must work offline: any network request fails (and logs an error),
    # except to this machine, where the Playground's test serves the built docs site
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)

# Seconds. Every call to the browser is bounded, so a stuck Chromium fails a test instead of hanging it.
COMMAND_TIMEOUT = 60
PAGE_LOAD_TIMEOUT = 20
SCRIPT_TIMEOUT = 10


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason}; CHAINGRAD_REQUIRE_BROWSER is set, so the browser tests must run")
    pytest.skip(f"{reason}: run scripts/setup.sh --browser to install chromium and chromium-driver")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium whose viewport is 1,000 x 800 px, shared by the session's tests."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed (it is in the project's test extra)")
    for program in (CHROMIUM, CHROMEDRIVER):
        if not program.exists():
            _unavailable(f"{program} not found")
    profile = tempfile.mkdtemp(prefix="chaingrad-chromium-")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console messages, for get_log
    driver = _start(webdriver, options, Service(str(CHROMEDRIVER)))
    try:
        driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT)
        driver.set_script_timeout(SCRIPT_TIMEOUT)
        # the viewport itself, not the window around it, is what must be 1,000 px wide
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": VIEWPORT_WIDTH, "height": VIEWPORT_HEIGHT, "deviceScaleFactor": 1, "mobile": False},
        )
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _start(webdriver: Any, options: Any, service: Any) -> Any:
    """Start Chromium; selenium takes its time limit for every later command from the socket default."""
    before = socket.getdefaulttimeout()
    socket.setdefaulttimeout(COMMAND_TIMEOUT)
    try:
        return webdriver.Chrome(options=options, service=service)
    finally:
        socket.setdefaulttimeout(before)

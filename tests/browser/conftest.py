import os
import shutil

import pytest

from anirena.testing import need

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API keeps an event loop running in this thread until it stops, which
    # makes Django refuse database calls from the test body meanwhile; the test server runs in
    # its own thread. The module scope stops that loop before other tests' async code runs.
    need(shutil.which("chromium") is not None, "Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield instance
            instance.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    # Pages may point at public CDNs (anime pictures); nothing leaves the machine.
    context.route("**/*", _only_loopback)
    page = context.new_page()
    yield page
    context.close()


def _only_loopback(route):
    url = route.request.url
    if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
        route.continue_()
    else:
        route.abort()

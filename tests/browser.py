"""Launch settings for headless Debian Chromium, shared by the browser tests.

`playwright install` cannot download browsers here; the tests drive
`/usr/bin/chromium` with these arguments (no background network traffic).
"""

from contextlib import contextmanager

from playwright.sync_api import sync_playwright

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@contextmanager
def launched_chromium():
    """A headless Debian Chromium driven by Playwright's sync API."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()

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


def logged_in_context(chromium, live_server, user):
    """A 1280 × 900 browser context logged in as `user` on `live_server`.

    Django's test client makes the session; its cookie is handed to the
    browser, so no test types a password. The caller closes the context.
    """
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    return context

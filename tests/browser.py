"""Launch settings for headless Debian Chromium, shared by the browser tests.

`playwright install` cannot download browsers here; the tests drive
`/usr/bin/chromium` with these arguments (no background network traffic).
"""

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

"""`make bench-browser`: keypress-to-paint times in a real Chromium against
gunicorn (production settings) on the PostgreSQL bench database.

Two figures, each the p95 (and median) of `--presses` key presses, in ms:

- candidate page: `t` then `n` (label True, "Rate & next") until the next
  candidate's name has painted, measured from the `n` keydown's timestamp
  to the paint time Chromium reports for the new heading (Element Timing,
  `elementtiming="candidate-name"`), and, as a cross-check, to the end of
  the first frame after the heading entered the page. The page swaps the
  next candidate in (it fetched its page while the rater looked at this
  one); a rater looks for longer than that, and the script waits as long
  (`--dwell` ms) before pressing. A press that ends in a full page load is
  timed to that page's first contentful paint and counted apart.
  `rating_answered` is the part until the rating's answer arrived;
- scanning grid: `j` until the newly focused card is painted (the frame
  after its focus ring is drawn), across more cards than the first page
  holds, so "load more" is inside the walk.

The ratings made are deleted again. Figures vary with the machine's load:
report them with it. Run after `make bench` has built the bench database.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.browser import launched_chromium  # noqa: E402
from tests.load.run_load import ROOT, Portal, percentile  # noqa: E402

BENCH_USER = "bench-user"  # made by `manage.py bench`
LIST_QUERY = "project=bench&sort=-chi_square_sigma"

WATCH_CANDIDATE_PAINTS = """
() => {
  const timing = window.timing = {presses: [], paints: [], frames: []};
  document.addEventListener("keydown", (event) => {
    if (event.key !== "n") { return; }
    timing.presses.push(event.timeStamp);
    const at = performance.timeOrigin + event.timeStamp;
    sessionStorage.setItem("timing:keydown", String(at));
  }, true);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.identifier === "candidate-name") {
        timing.paints.push({at: entry.renderTime || entry.loadTime,
                            name: entry.element ? entry.element.textContent : null});
      }
    }
  }).observe({type: "element"});
  let heading = document.querySelector("main h1");
  new MutationObserver(() => {
    const now = document.querySelector("main h1");
    if (now && now !== heading) {
      heading = now;
      const done = () => timing.frames.push(performance.now());
      requestAnimationFrame(() => setTimeout(done, 0));
    }
  }).observe(document.body, {childList: true, subtree: true});
}
"""
PRESS_TIMES = """
(count) => {
  const timing = window.timing;
  const pressed = timing.presses[count - 1];
  const paint = timing.paints.find((entry) => entry.at > pressed);
  const frame = timing.frames.find((at) => at > pressed);
  const post = performance.getEntriesByType("resource").find(
    (entry) => entry.name.includes("/rate/") && entry.startTime > pressed);
  return {
    post_ms: post ? post.responseEnd - pressed : null,
    ms: paint ? paint.at - pressed : null,
    frame_ms: frame ? frame - pressed : null,
    name: paint ? paint.name : null,
    swapped: true,
  };
}
"""
LOADED_PAINT = """
() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const pressed = Number(sessionStorage.getItem("timing:keydown"));
  return {ms: paint ? performance.timeOrigin + paint.startTime - pressed : null,
          frame_ms: null, post_ms: null,
          name: document.querySelector("main h1").textContent,
          swapped: false};
}
"""
WATCH_GRID_FOCUS = """
window.timingPaints = [];
document.addEventListener("keydown", function () {
  window.timingPressed = performance.now();
}, true);
new MutationObserver(function (changes) {
  changes.forEach(function (change) {
    if (window.timingPressed && change.target.classList.contains("scan-card--focus")) {
      var pressed = window.timingPressed;
      window.timingPressed = null;
      requestAnimationFrame(function () {
        setTimeout(function () {
          window.timingPaints.push(performance.now() - pressed);
        }, 0);
      });
    }
  });
}).observe(document.querySelector("[data-scan-grid]"),
           {attributes: true, subtree: true, attributeFilter: ["class"]});
"""


def summary(values):
    values = [v for v in values if v is not None]
    return {
        "p95_ms": round(percentile(values, 0.95), 1),
        "median_ms": round(percentile(values, 0.5), 1),
        "max_ms": round(max(values), 1),
        "presses": len(values),
    }


def session_cookie(portal):
    return portal.shell_output(
        "from django.contrib.auth import get_user_model;"
        "from django.test import Client;"
        "c = Client();"
        f"c.force_login(get_user_model().objects.get(username='{BENCH_USER}'));"
        "print(c.cookies['sessionid'].value)"
    )


def time_candidate_page(page, portal, presses, dwell_ms):
    page.goto(f"{portal.url}/candidates/next/?{LIST_QUERY}")
    page.wait_for_load_state("load")
    page.evaluate(WATCH_CANDIDATE_PAINTS)
    timings = []
    count = 0  # presses seen by the current document
    for _ in range(presses):
        page.wait_for_timeout(dwell_ms)
        before = page.url
        page.keyboard.press("t")
        page.keyboard.press("n")
        count += 1
        page.wait_for_url(lambda url, before=before: url != before)
        if page.evaluate("() => window.timing === undefined"):  # a full load
            page.wait_for_function(
                "() => performance.getEntriesByName('first-contentful-paint').length"
            )
            timings.append(page.evaluate(LOADED_PAINT))
            page.evaluate(WATCH_CANDIDATE_PAINTS)
            count = 0
            continue
        page.wait_for_function(
            f"""() => window.timing.paints.some(
                (e) => e.at > window.timing.presses[{count - 1}])
              && window.timing.frames.some(
                (at) => at > window.timing.presses[{count - 1}])"""
        )
        timing = page.evaluate(PRESS_TIMES, count)
        shown = page.locator("main h1").text_content()
        assert timing["name"] == shown, "the paint timed is the candidate shown"
        timings.append(timing)
    return timings


def time_grid(page, portal, presses):
    page.goto(f"{portal.url}/catalogue/scan/?{LIST_QUERY}")
    page.wait_for_load_state("load")
    page.evaluate(WATCH_GRID_FOCUS)
    for count in range(1, presses + 1):
        page.keyboard.press("j")
        page.wait_for_function(f"() => window.timingPaints.length >= {count}")
        page.wait_for_timeout(120)  # a rater glances at each card
    return page.evaluate("() => window.timingPaints")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
        ),
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--grid-presses", type=int, default=60)
    parser.add_argument("--dwell", type=int, default=800, help="ms on each page")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "browser.json"))
    args = parser.parse_args()

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    portal = Portal(args.database_url, args.workers, out.parent / "static")
    portal.manage("collectstatic", "--noinput")
    started = portal.shell_output(
        "from django.utils import timezone; print(timezone.now().isoformat())"
    )
    portal.start()
    try:
        cookie = session_cookie(portal)
        with launched_chromium() as browser:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_cookies(
                [{"name": "sessionid", "value": cookie, "url": portal.url}]
            )
            page = context.new_page()
            candidate = time_candidate_page(page, portal, args.presses, args.dwell)
            grid = time_grid(page, portal, args.grid_presses)
            context.close()
    finally:
        portal.process.terminate()
        portal.process.wait(timeout=30)
        portal.manage(
            "shell",
            "-c",
            "from rating.models import Rating;"
            f"Rating.objects.filter(user__username='{BENCH_USER}',"
            f" created_at__gte='{started}').delete()",
        )
    report = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_average": os.getloadavg(),
        "candidate_page_next_painted": {
            **summary([t["ms"] for t in candidate]),
            "frame_after_swap": summary([t["frame_ms"] for t in candidate]),
            "rating_answered": summary([t["post_ms"] for t in candidate]),
            "swapped_in": sum(t["swapped"] for t in candidate),
            "full_loads": sum(not t["swapped"] for t in candidate),
        },
        "grid_next_card_painted": summary(grid),
    }
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

"""Opens the HTML exports of executed notebooks in headless Chromium with no network and checks that every figure drew.

Usage: /usr/bin/python3 environment/check_exports.py FOLDER [FOLDER ...]

A figure is a `plotly-graph-div` the course's formatter wrote; plotly.js marks each one it drew with the class
`js-plotly-plot` and fills it with `main-svg` layers. The page must reach that state with no network (a proxy on a dead
port blocks everything but loopback), so plotly.js has to come from the page itself and survive the require.js that
nbconvert's template loads. Prints one line per page and a closing 'run_course: N notebooks passed, M failed' line that
environment/test_summary.py reads. Exits non-zero when any page fails or no page is found.
"""
import pathlib
import re
import subprocess
import sys
import tempfile

CHROMIUM = "/usr/bin/chromium"


def dump_dom(page):
    with tempfile.TemporaryDirectory(prefix="check-exports-") as profile:
        result = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
             "--virtual-time-budget=20000", f"--user-data-dir={profile}", "--dump-dom", page.resolve().as_uri()],
            capture_output=True, text=True, timeout=300)
    return result.stdout


def check(page):
    source = page.read_text(encoding="utf-8")
    expected = len(re.findall(r'class="plotly-graph-div"', source))
    dom = dump_dom(page)
    drawn = len(re.findall(r'class="plotly-graph-div[^"]*js-plotly-plot', dom))
    images = len(re.findall(r'<img[^>]+src="data:image/png', source))
    ok = expected > 0 and drawn == expected
    print(f"check_exports: {page.parent.name}/{page.name}: {drawn} of {expected} figures drawn, {images} PNG images"
          f"{'' if ok else '  FAILED'}", flush=True)
    return ok


def main():
    if not pathlib.Path(CHROMIUM).exists():
        print(f"check_exports: {CHROMIUM} is missing; run environment/setup-dev.sh (it installs chromium)", file=sys.stderr)
        return 1
    pages = sorted(p for folder in sys.argv[1:] for p in pathlib.Path(folder).glob("[0-9][0-9]-*.html"))
    if not pages:
        print(f"check_exports: no exported notebooks in {' '.join(sys.argv[1:])}", file=sys.stderr)
        print("run_course: 0 notebooks passed, 1 failed")
        return 1
    failed = sum(0 if check(page) else 1 for page in pages)
    print(f"run_course: {len(pages) - failed} notebooks passed, {failed} failed (HTML exports drawn in Chromium)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

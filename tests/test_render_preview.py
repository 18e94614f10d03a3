"""``e2ee-sig preview`` over HTTP on 127.0.0.1, and its page in a real headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.test_render import STYLESHEET
from tests.xepfactory import make_xep

CHROMIUM = "/usr/bin/chromium"
PROJECT = Path(__file__).resolve().parents[1]
SECTIONS = """<section1 topic='Introduction' anchor='intro'>
  <p>Widgets are negotiated as described in &xep0030;.</p>
</section1>
<section1 topic='Protocol' anchor='protocol'>
  <p>An entity MUST send a widget offer TODO describe.</p>
  <example caption='An offer'><![CDATA[<offer xmlns='urn:xmpp:widgets:0'/>]]></example>
</section1>"""


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_for(check: Callable[[], bool], seconds: float) -> float:
    """Seconds until ``check()`` held; fails after ``seconds``."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > seconds:
            pytest.fail(f"condition not met within {seconds} s")
        time.sleep(0.02)
    return time.monotonic() - start


@pytest.fixture
def xep(xep_root: Path) -> Path:
    (xep_root / "xep.xsl").write_bytes(STYLESHEET.read_bytes())
    path = xep_root / "xep-0999.xml"
    path.write_text(make_xep(title="Widgets One", sections=SECTIONS))
    return path


@pytest.fixture
def server(xep: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``e2ee-sig preview`` in a subprocess; yields its URL and the process."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT / "src"), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "e2ee_sig", "preview", str(xep)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert " at http://127.0.0.1:" in line, line
    url = line.split(" at ", 1)[1].split()[0]
    yield url, process
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


def test_page_served_with_lint_panel_and_reload_script(
    server: tuple[str, subprocess.Popen[str]],
) -> None:
    url, _ = server
    page = fetch(url)
    assert "<title>XEP-0999: Widgets One</title>" in page
    assert 'id="e2ee-sig-panel"' in page
    assert "/__e2ee-sig/version" in page
    # The TODO finding (in section 'protocol') links to that section's anchor in the page.
    panel = page.split('id="e2ee-sig-panel"', 1)[1]
    assert 'href="#protocol"' in panel
    assert 'data-snippet="An entity MUST send a widget offer TODO describe."' in panel
    assert 'id="protocol"' in page.split('id="e2ee-sig-panel"', 1)[0]


def test_change_on_disk_is_served_within_a_second(
    server: tuple[str, subprocess.Popen[str]], xep: Path
) -> None:
    url, _ = server
    version = fetch(url + "__e2ee-sig/version")
    xep.write_text(make_xep(title="Widgets Two", sections=SECTIONS))
    elapsed = wait_for(lambda: "Widgets Two" in fetch(url), 5)
    assert elapsed < 1.0
    assert fetch(url + "__e2ee-sig/version") != version


def test_broken_xml_shows_an_error_page_then_recovers(
    server: tuple[str, subprocess.Popen[str]], xep: Path
) -> None:
    url, process = server
    xep.write_text(make_xep(title="Widgets One", sections=SECTIONS).replace("</xep>", "</xepp>"))
    wait_for(lambda: 'id="e2ee-sig-error"' in fetch(url), 5)
    page = fetch(url)
    assert "xep-0999.xml: line " in page
    assert "XSF000" in page  # the lint panel names the broken XML too
    xep.write_text(make_xep(title="Widgets Three", sections=SECTIONS))
    wait_for(lambda: "Widgets Three" in fetch(url), 5)
    assert process.poll() is None


def test_ctrl_c_stops_cleanly(server: tuple[str, subprocess.Popen[str]]) -> None:
    _, process = server
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "stopped" in output
    assert "Traceback" not in output


def test_only_assets_beside_the_file_are_served(
    server: tuple[str, subprocess.Popen[str]], xep: Path
) -> None:
    url, _ = server
    (xep.parent / "xmpp.css").write_text("body{color:black}")
    assert fetch(url + "xmpp.css") == "body{color:black}"
    for path in ("xep-0999.xml", "xep.dtd", "..%2F..%2Fetc%2Fpasswd", "../../etc/passwd"):
        with pytest.raises(urllib.error.HTTPError):
            fetch(url + path)


def chromium() -> str:
    if not Path(CHROMIUM).is_file() and shutil.which("chromium") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is required under CI=true (.ci/run installs it)")
        pytest.skip("chromium is not installed")
    return CHROMIUM if Path(CHROMIUM).is_file() else str(shutil.which("chromium"))


def headless(binary: str, profile: Path, *args: str) -> list[str]:
    return [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={profile}",
        *args,
    ]


def test_lint_panel_in_a_real_browser(
    server: tuple[str, subprocess.Popen[str]], tmp_path: Path
) -> None:
    binary = chromium()
    url, _ = server
    run = subprocess.run(
        headless(binary, tmp_path / "profile", "--dump-dom", url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    dom = run.stdout
    assert "<h1>XEP-0999: Widgets One</h1>" in dom
    assert 'id="e2ee-sig-panel"' in dom
    assert "lint finding" in dom
    assert 'href="#protocol"' in dom


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _page_titles(port: int) -> list[str]:
    try:
        targets = json.loads(fetch(f"http://127.0.0.1:{port}/json/list"))
    except OSError:
        return []
    return [t.get("title", "") for t in targets if t.get("type") == "page"]


def test_live_reload_in_a_real_browser(
    server: tuple[str, subprocess.Popen[str]], xep: Path, tmp_path: Path
) -> None:
    """Chromium keeps the page open; after a save its title changes with no one reloading."""
    binary = chromium()
    url, _ = server
    port = free_port()
    browser = subprocess.Popen(
        headless(binary, tmp_path / "profile", f"--remote-debugging-port={port}", url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: "XEP-0999: Widgets One" in _page_titles(port), 30)
        xep.write_text(make_xep(title="Widgets Reloaded", sections=SECTIONS))
        wait_for(lambda: "XEP-0999: Widgets Reloaded" in _page_titles(port), 10)
    finally:
        browser.terminate()
        browser.wait(timeout=10)


def test_no_stylesheet_is_a_usage_error(xep_root: Path) -> None:
    from click.testing import CliRunner

    from e2ee_sig.cli import main

    path = xep_root / "xep-0999.xml"
    path.write_text(make_xep())
    result = CliRunner().invoke(main, ["preview", str(path)])
    assert result.exit_code == 2
    assert "no xep.xsl found" in result.output


def test_a_finding_link_highlights_its_text_in_a_real_browser(
    server: tuple[str, subprocess.Popen[str]], tmp_path: Path
) -> None:
    binary = chromium()
    url, _ = server
    panel = fetch(url).split('id="e2ee-sig-panel"', 1)[1]
    todo = next(item for item in panel.split("<li ")[1:] if "TODO" in item)
    finding = todo.split('id="', 1)[1].split('"', 1)[0]
    run = subprocess.run(
        headless(
            binary,
            tmp_path / "profile",
            "--virtual-time-budget=1000",
            "--dump-dom",
            url + "#" + finding,
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        '<mark class="e2ee-sig-here">An entity MUST send a widget offer TODO describe.</mark>'
        in run.stdout
    )

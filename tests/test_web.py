"""The web lecture: one self-contained file, small enough, played offline in a real headless browser."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time

import pytest

pytest.importorskip("PySide6")

from visualizer.formats.storyboard import builtin_storyboard_path, load_storyboard  # noqa: E402


@pytest.fixture(scope="module")
def page(tmp_path_factory, qapp):
    from visualizer.qt.web_export import export_web
    from visualizer.stage import build_stage

    out = tmp_path_factory.mktemp("web") / "lecture.html"
    export_web(build_stage(storyboard=builtin_storyboard_path()), out, (1280, 720))
    return out


def test_the_page_is_one_small_file_that_fetches_nothing(page):
    text = page.read_text(encoding="utf-8")
    assert page.stat().st_size <= 10 * 1024 * 1024, "at most 10 MB for the built-in lecture"
    references = re.findall(r"""(?:src|href|url)\s*[=(]\s*["']?(https?:|//|ftp:)""", text)
    assert not references, references
    assert "default-src 'none'" in text, "the page forbids itself any fetch"
    data = json.loads(
        re.search(r'<script id="lecture-data" type="application/json">(.*?)</script>', text, re.S).group(1).replace("<\\/", "</")
    )
    board, _ = load_storyboard(builtin_storyboard_path())
    assert [s["title"] for s in data["steps"]] == [s.title for s in board.steps]
    for step, written in zip(board.steps, data["steps"]):
        assert written["svg"].lstrip().startswith("<svg") and "data-f=" in written["svg"], "drawn by the scene, nodes marked"
        assert len(written["combos"]) == 2 ** len(step.interventions), "every combination of the step's interventions"


@pytest.fixture(scope="module")
def browser():
    selenium = pytest.importorskip("selenium")  # noqa: F841
    if shutil.which("chromium") is None or shutil.which("chromedriver") is None:
        pytest.skip("Chromium and its driver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1600,900",
        f"--user-data-dir={tempfile.mkdtemp()}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


def fills(driver) -> list[str]:
    return driver.execute_script("return Array.from(document.querySelectorAll('[data-f]')).map(e => e.getAttribute('fill'))")


def test_the_lecture_plays_offline_in_a_browser(page, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    board, _ = load_storyboard(builtin_storyboard_path())
    browser.get(page.as_uri())
    heading = browser.find_element(By.ID, "heading")
    assert heading.text == board.steps[0].title
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.PAGE_DOWN)
    assert heading.text == board.steps[1].title, "Page Down moves to the next step"
    assert board.steps[1].caption.split()[0] in browser.find_element(By.ID, "caption").text
    # a step that switches an intervention on: its colours change as the animation plays
    index = next(k for k, s in enumerate(board.steps) if s.interventions and not s.question)
    body.send_keys(str(index + 1), Keys.ENTER)
    assert heading.text == board.steps[index].title
    slider = browser.find_element(By.ID, "time")
    browser.execute_script("arguments[0].value = 0; arguments[0].dispatchEvent(new Event('input'))", slider)
    start = fills(browser)
    browser.execute_script("arguments[0].value = 1000; arguments[0].dispatchEvent(new Event('input'))", slider)
    end = fills(browser)
    assert start and sum(a != b for a, b in zip(start, end)) >= 3, "node colours change over the step"
    browser.execute_script("arguments[0].value = 0; arguments[0].dispatchEvent(new Event('input'))", slider)
    browser.find_element(By.ID, "play").click()
    time.sleep(1.5)
    assert browser.execute_script("return window.lecture.state().t") > 0.05, "it plays by itself"
    # nothing but the file itself was fetched
    fetched = set()
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            fetched.add(message["params"]["request"]["url"])
    outside = [u for u in fetched if re.match(r"(https?|wss?|ftp):", u)]
    assert not outside, outside
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_predictions_are_scored_in_the_page(page, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(page.as_uri())
    board, _ = load_storyboard(builtin_storyboard_path())
    data_steps = browser.execute_script(
        "return JSON.parse(document.getElementById('lecture-data').textContent).steps.map(s => s.predict.length)"
    )
    index = next(k for k, n in enumerate(data_steps) if n and not board.steps[k].question)
    browser.find_element(By.ID, "predictmode").click()
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(str(index + 1), Keys.ENTER)
    assert not browser.execute_script("return window.lecture.state().playing"), "it waits for the predictions"
    body.send_keys(Keys.TAB)
    body.send_keys("u")
    body.send_keys(Keys.PAGE_DOWN)  # plays the step and scores
    assert browser.execute_script("return window.lecture.state().playing")
    text = browser.find_element(By.ID, "predict").text
    assert re.search(r"Your predictions: \d+ of \d+ right", text), text
    assert "Score:" in browser.find_element(By.ID, "score").text


def test_export_html_from_the_command_line_and_the_window(run_cli, make_window, tmp_path):
    out = tmp_path / "page.html"
    proc = run_cli("export-html", "--out", out, "--size", "800x450")
    assert proc.returncode == 0, proc.stderr
    assert out.exists() and "lecture-data" in out.read_text(encoding="utf-8")
    proc = run_cli("export-html", "--out", tmp_path / "page.txt")
    assert proc.returncode == 2 and ".html" in proc.stderr
    window = make_window(size=(1000, 700))
    assert window.open_storyboard(builtin_storyboard_path(), 4)
    before = (window.stage.lecture.player.index, window.session.playhead.position)
    assert window.export_web(tmp_path / "window.html", (800, 450))
    assert (window.stage.lecture.player.index, window.session.playhead.position) == before

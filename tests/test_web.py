"""Browser tests: `newsdesk serve` over the sample store on a free loopback port, driven by Debian's Chromium
headless (selenium + chromedriver) through home -> event -> actor -> search, asserting on what a person sees.
Screenshots go to tests/artifacts/. Skipped, saying what to install, when chromium/chromedriver are absent."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser.driver import chromium_driver, find_browser, running_server
from browser.sample import HOSTILE, build_sample_store

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    find_browser()
    db = str(tmp_path_factory.mktemp("web") / "sample.db")
    build_sample_store(db)
    with running_server(db) as base:
        yield base


@pytest.fixture(scope="module")
def browser(site):
    with chromium_driver() as driver:
        yield driver


def _shot(driver, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1366, min(max(int(height), 700), 3000))
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    driver.set_window_size(1366, 900)


def _text(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "body").text


def _no_alert(driver) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - an injected script would have opened one


def test_web_home_event_actor_search(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

    d = browser
    d.get(site + "/")
    assert d.find_element(By.TAG_NAME, "h1").text == "Latest events"
    text = _text(d)
    assert "EU sanctions Russian officials over deported children" in text
    assert f"{HOSTILE} Hostile talks" in text  # hostile markup is shown as text, not run
    assert "SANCTION" in text and "RUS" in text
    assert d.find_elements(By.CSS_SELECTOR, "svg.worldmap circle.dot")
    _no_alert(d)
    _shot(d, "home")

    d.find_element(By.LINK_TEXT, "EU sanctions Russian officials over deported children").click()
    assert "/events/" in d.current_url
    text = _text(d)
    assert "3 reports from 3 outlets" in text and "first reported by Harbour Times" in text
    assert "sources disagree on" in text and "date" in text
    assert len(d.find_elements(By.CSS_SELECTOR, ".sources article.source")) == 3
    marks = d.find_elements(By.CSS_SELECTOR, ".sources mark.evidence")
    assert len(marks) == 3 and all("imposed sanctions" in m.text for m in marks)
    assert "Those who deport children will be held to account" in text
    assert d.find_elements(By.CSS_SELECTOR, "table.facts tr.disagree")
    _shot(d, "event")

    d.find_element(By.LINK_TEXT, "Kaja Kallas").click()
    assert "/actors/" in d.current_url
    assert d.find_element(By.TAG_NAME, "h1").text.startswith("Kaja Kallas")
    text = _text(d)
    assert "EU foreign policy chief" in text and "As source (1)" in text
    assert d.find_elements(By.CSS_SELECTOR, "svg.timeline circle.tlpoint")
    _shot(d, "actor")

    box = d.find_element(By.CSS_SELECTOR, "header form.quick input[name=q]")
    box.send_keys("sanctions", Keys.ENTER)
    WebDriverWait(d, 10).until(lambda drv: "/search" in drv.current_url)  # a key press does not wait for the load
    results = [li.text for li in d.find_elements(By.CSS_SELECTOR, "ol.results li")]
    assert len(results) == 3 and any("Brussels freezes assets" in r for r in results)
    Select(d.find_element(By.NAME, "plover")).select_by_visible_text("SANCTION")
    d.find_element(By.NAME, "since").send_keys("2024-02-24")
    d.find_element(By.CSS_SELECTOR, "form.filters button").click()
    WebDriverWait(d, 10).until(lambda drv: "plover=SANCTION" in drv.current_url)
    assert "plover=SANCTION" in d.current_url and "actor=" not in d.current_url  # empty fields dropped by JS
    results = [li.text for li in d.find_elements(By.CSS_SELECTOR, "ol.results li")]
    assert len(results) == 1 and "EU widens Russia sanctions" in results[0]
    assert "Matching events" in _text(d)
    _shot(d, "search")


def test_web_story_map_and_hostile_pages(site, browser):
    from selenium.webdriver.common.by import By

    d = browser
    d.get(site + "/")
    d.find_element(By.XPATH, "//ul[@class='stories']/li[contains(., '2 events')]/a").click()
    assert "/stories/" in d.current_url and "2 events in time order" in _text(d)
    assert len(d.find_elements(By.CSS_SELECTOR, "svg.timeline circle.tlpoint")) == 2
    _shot(d, "story")

    d.get(site + "/map")
    labels = [t.text for t in d.find_elements(By.CSS_SELECTOR, "svg.worldmap text.dotlabel")]
    assert "Brussels" in labels and "Skopje" in labels
    _shot(d, "map")

    d.get(site + "/search?actor=Evil")
    d.find_element(By.PARTIAL_LINK_TEXT, "Hostile talks").click()
    _no_alert(d)
    assert HOSTILE in _text(d)
    assert not d.find_elements(By.CSS_SELECTOR, ".articletext script, .articletext img")
    _shot(d, "hostile-article")

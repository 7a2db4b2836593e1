"""The HTML report, rendered in headless Chromium and checked as a picture.

Needs Debian's chromium at /usr/bin/chromium (CI installs it with
``apt-get install -y chromium``) and the ``playwright`` and ``pillow`` packages;
skipped with the reason otherwise.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from carnet import Carnet
from carnet.directory.base import utcnow
from carnet.quality.html import render_html

CHROMIUM = Path("/usr/bin/chromium")


def _report(ws: Carnet, lang: str) -> dict[str, Any]:
    ws.add_contact(
        {
            "first_name": "Jeanne",
            "last_name": "Martin",
            "email": "jeanne.martin@gmial.com",
            "mobile": "0612345678",
            "address_line1": "3 rue de la Paix",
            "postcode": "75002",
            "city": "Paris",
        },
        source="t",
    )
    ws.add_contact({"first_name": "Paul", "email": "paul@free.fr"}, source="t")
    ws.add_contact({"last_name": "Durand"}, source="t")
    ws.quality_report(lang=lang, snapshot=True)
    return ws.quality_report(lang=lang, snapshot=True, now=utcnow())


def test_html_is_self_contained(ws: Carnet, tmp_path: Path) -> None:
    page = render_html(_report(ws, "fr"))
    assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page
    # No external asset: no URL in src/href, no external stylesheet or script.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page and "<link" not in page
    assert page.count("<svg") >= 4
    assert "Qualité du fichier clients" in page
    assert "<code>carnet fix email-typos</code>" in page


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_html_report_screenshot(ws: Carnet, tmp_path: Path, lang: str) -> None:
    if not CHROMIUM.exists():
        message = "/usr/bin/chromium is absent; install it with `apt-get install -y chromium`"
        if os.environ.get("CARNET_REQUIRE_CHROMIUM") or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    playwright = pytest.importorskip("playwright.sync_api")
    image_module = pytest.importorskip("PIL.Image")
    report = _report(ws, lang)
    html = ws.write_quality_html(tmp_path / "report.html", report)
    png = tmp_path / f"report-{lang}.png"
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(html.as_uri())
            page.screenshot(path=str(png), full_page=True)
            text = page.inner_text("body")
            problems = page.locator("#problems tbody tr").count()
            svgs = page.locator("svg").count()
            bars = page.locator("#distribution rect").count()
        finally:
            browser.close()
    assert [u for u in requests if not u.startswith("file:")] == []
    title = "Qualité du fichier clients" if lang == "fr" else "Customer file quality"
    assert title in text
    assert ("e-mails avec une faute de frappe" if lang == "fr" else "likely typo") in text
    assert problems >= 3 and svgs >= 5 and bars >= 10
    with image_module.open(png) as image:
        width, height = image.size
        assert width == 1280 and height > 900
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000) or []
    # Not blank: many colours, and no single colour covers almost everything.
    assert len(colours) > 50
    assert max(count for count, _ in colours) < 0.9 * width * height

"""Browser tests: the app served on a loopback port, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test app on a free loopback port; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (installs Debian's chromium)")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _context(browser: Browser, **options: Any) -> BrowserContext:
    ctx = browser.new_context(**options)
    ctx.set_default_timeout(15000)
    return ctx


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh desktop-sized page with Chinese as the browser language."""
    ctx = _context(browser, locale="zh-CN", viewport={"width": 1200, "height": 900})
    yield ctx.new_page()
    ctx.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A fresh phone-sized page (390x844) with Chinese as the browser language."""
    ctx = _context(browser, locale="zh-CN", viewport={"width": 390, "height": 844},
                   is_mobile=True, has_touch=True, device_scale_factor=2)
    yield ctx.new_page()
    ctx.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def browser_login(page: Page, base: str, username: str,
                  password: str = "password123") -> None:
    """Sign in through the login form."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v.get('impact')}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
        for node in v.get("nodes", [])[:8]:
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    at {target}")
            lines.append(f"       {node.get('html', '')[:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " | ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(v.get("nodes", [])) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more elements")
    return "\n".join(lines)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core (node_modules/axe-core, installed by `make test`) on the page."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make node-modules` (npm ci; part of `make test`)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # evaluated through the DevTools protocol, so the page's CSP does not stop it
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    result: dict[str, Any] = page.evaluate(
        "async () => await window.axe.run(document, {resultTypes: ['violations']})")
    return list(result["violations"])


def assert_no_axe_violations(page: Page, label: str = "") -> None:
    """Fail on any axe-core violation, whatever its impact, listing each readably."""
    violations = axe_violations(page)
    if violations:
        report = _describe_violations(violations)
        print(f"axe violations on {label or page.url}:\n{report}")
        pytest.fail(f"axe: {len(violations)} violation(s) on {label or page.url}\n{report}",
                    pytrace=False)

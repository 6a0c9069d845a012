"""Lighthouse (npm, driving Debian's Chromium) on the public register of decisions, a proposal
page and the ballot page, mobile profile, with budgets modelled on Decidim's: first contentful
paint < 2 s, largest contentful paint < 2.5 s, accessibility >= 95. A budget that breaks fails
the test (and so `make test`); the measured figures are printed either way."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from demo.accounts import DEMO_PASSWORD
from tests.browser.conftest import ARTIFACTS, CHROMIUM, ROOT
from tests.browser.test_a11y_sweep_browser import _ids, load_demo

pytestmark = pytest.mark.browser

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
BUDGETS = {"first-contentful-paint": 2000.0, "largest-contentful-paint": 2500.0}
MIN_ACCESSIBILITY = 95
#: Lighthouse's mobile user agent, fixed so that the signed-in session (Flask-Login's "strong"
#: protection binds it to the agent) made by the test client holds for Lighthouse's requests
AGENT = ("Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 "
         "(KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage " \
               "--no-first-run --disable-background-networking --disable-component-update"


def _session_cookie(app: Flask, username: str) -> str:
    """Sign in through the login form with a test client; its session cookie for Lighthouse."""
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD},
                           headers={"User-Agent": AGENT})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    return f"{cookie.key}={cookie.value}"


#: Lighthouse's runtime errors of its own trace recording, which it asks to be run again for
RECORDING_FAULTS = ("NO_NAVSTART", "NO_TRACING_STARTED", "NO_RESOURCE_REQUEST")
#: runs of one page when Lighthouse could not record it
RECORDING_ATTEMPTS = 3


def _lighthouse(url: str, name: str, cookie: str | None) -> dict[str, float]:
    if not LIGHTHOUSE.exists():
        pytest.fail(f"{LIGHTHOUSE} is missing: run `make node-modules` (npm ci; part of make test)")
    out = ARTIFACTS / "lighthouse"
    out.mkdir(parents=True, exist_ok=True)
    report = out / f"{name}.json"
    args = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
            "--only-categories=performance,accessibility", "--form-factor=mobile",
            "--max-wait-for-load=20000", f"--emulated-user-agent={AGENT}",
            f"--chrome-flags={CHROME_FLAGS}"]
    if cookie:
        args.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    for _attempt in range(RECORDING_ATTEMPTS):
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=100,
                              check=False)
        # Lighthouse itself may fail to record a trace (its own "Please run Lighthouse
        # again"); that is its fault, not the page's, and it asks for another run. Any other
        # failure, and every budget below, fails at once.
        if done.returncode == 0 or not any(code in done.stderr for code in RECORDING_FAULTS):
            break
    assert done.returncode == 0, f"lighthouse failed on {url}:\n{done.stderr[-3000:]}"
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["finalDisplayedUrl"].startswith(url), ("redirected", data["finalDisplayedUrl"])
    audits = data["audits"]
    figures = {key: float(audits[key]["numericValue"]) for key in BUDGETS}
    figures["accessibility"] = round(float(data["categories"]["accessibility"]["score"]) * 100)
    figures["performance"] = round(float(data["categories"]["performance"]["score"] or 0) * 100)
    return figures


def test_lighthouse_budgets(app: Flask, live_server: str, tmp_path: Path) -> None:
    load_demo(app, tmp_path)
    ids = _ids(app)
    pages = {
        "decisions": (f"/c/{ids['jax']}/decisions", None),
        "proposal": (f"/c/{ids['spj']}/proposals/{ids['open_proposal']}", "spj-owner"),
        "ballot": (f"/c/{ids['spj']}/votes/{ids['open_vote']}/ballot", "spj-owner"),
    }
    broken: list[str] = []
    for name, (path, user) in pages.items():
        cookie = _session_cookie(app, user) if user else None
        figures = _lighthouse(live_server + path, name, cookie)
        print(f"lighthouse {name} {path}: FCP {figures['first-contentful-paint']:.0f} ms, "
              f"LCP {figures['largest-contentful-paint']:.0f} ms, "
              f"accessibility {figures['accessibility']:.0f}, "
              f"performance {figures['performance']:.0f}")
        for key, limit in BUDGETS.items():
            if figures[key] >= limit:
                broken.append(f"{name}: {key} {figures[key]:.0f} ms >= {limit:.0f} ms")
        if figures["accessibility"] < MIN_ACCESSIBILITY:
            broken.append(f"{name}: accessibility {figures['accessibility']:.0f} < "
                          f"{MIN_ACCESSIBILITY}")
    assert not broken, "Lighthouse budgets broken:\n" + "\n".join(broken)

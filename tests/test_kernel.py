"""The one kernel stays one (issue 8): no commit outside the unit of work, no error class of its
own beside `DomainError`, no method name outside the voting-method registry, and the tools
split as promised (runtime requirements apart from the test tools; mypy over the features,
strict on the law and the counting core). Each test reads the source, so a twin that returns
fails here with its file and line."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: the packages of the application (what `make run` serves)
PACKAGES = ("app", "proposals", "voting", "meetings", "notifications", "turnout", "demo")


def _lines(folders: tuple[str, ...], suffixes: tuple[str, ...] = (".py",)
           ) -> Iterator[tuple[str, int, str]]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in suffixes and "translations" not in path.parts:
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    yield str(path.relative_to(ROOT)), number, line


def test_commits_happen_in_the_unit_of_work_only() -> None:
    found = [f"{path}:{n}" for path, n, line in _lines(PACKAGES)
             if re.search(r"\bsession\.commit\(", line) and path != "app/uow.py"]
    assert found == []


def test_no_error_class_beside_the_domain_error() -> None:
    """Refusals are `DomainError` kinds; no `attempt()` wrapper or `Exception` subclass of a
    feature's own (the demo loader's refusal to touch a non-empty database aside)."""
    own = re.compile(r"^class \w+\((Exception|RuntimeError|ValueError|LookupError)\)")
    found = {path for path, _n, line in _lines(PACKAGES)
             if own.search(line) or re.search(r"\bdef attempt\(", line)}
    assert found == {"app/errors.py", "demo/loader.py"}


def test_method_names_live_in_the_registry() -> None:
    """Pages, services and the demo name a voting method through its registry object."""
    names = ("approve_each", "single_choice", "ranked")
    literal = re.compile(r"""["']({})["']""".format("|".join(names)))
    found = [f"{path}:{n}" for path, n, line in _lines((*PACKAGES, "templates"),
                                                        (".py", ".html"))
             if literal.search(line) and not path.startswith("voting/counting/")]
    assert found == []


def _requirements(name: str) -> list[str]:
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_runtime_requirements_are_pinned_and_hold_no_test_tool() -> None:
    runtime = _requirements("requirements.txt")
    assert runtime and all(re.fullmatch(r"[A-Za-z0-9_.-]+==[\w.]+", r) for r in runtime)
    names = {r.split("==")[0].lower() for r in runtime}
    tools = {"pytest", "mypy", "ruff", "hypothesis", "playwright", "schemathesis",
             "pref_voting", "numpy", "scipy", "pandas", "time-machine", "aiosmtpd",
             "openapi-python-client"}
    assert names & tools == set()
    dev = _requirements("requirements-dev.txt")
    assert dev[0] == "-r requirements.txt"
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[\w.]+", r) for r in dev[1:])
    assert {"pytest", "mypy", "ruff", "schemathesis", "pref_voting"} <= {
        r.split("==")[0].lower() for r in dev[1:]}


def test_make_run_installs_the_runtime_only_and_lint_runs_the_type_checker() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run = re.search(r"^run: (.*)$", makefile, re.MULTILINE)
    test = re.search(r"^test: (.*)$", makefile, re.MULTILINE)
    assert run and test
    assert "venv" in run.group(1).split() and "venv-dev" not in run.group(1).split()
    assert {"venv-dev", "lint"} <= set(test.group(1).split())
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "ruff check ." in lint and "mypy" in lint


def test_mypy_covers_the_features_and_is_strict_on_the_law_and_the_counting_core() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert {"app", "proposals", "voting", "meetings"} <= set(config["files"])
    strict = next(o for o in config["overrides"] if "app.law" in o["module"])
    assert {"app.law.*", "app.errors", "voting.counting.*"} <= set(strict["module"])
    assert all(strict.get(flag) is True for flag in (
        "disallow_untyped_defs", "disallow_incomplete_defs", "disallow_untyped_calls",
        "disallow_untyped_decorators", "disallow_any_generics", "disallow_subclassing_any",
        "warn_return_any", "extra_checks", "no_implicit_reexport"))
    assert all(config.get(flag) is True for flag in (
        "check_untyped_defs", "warn_redundant_casts", "warn_unused_ignores", "strict_equality"))

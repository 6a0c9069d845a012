"""Issues 2 and 12 in a real browser: the committee uploads a register with a bad row, sees the
row's error, fixes it, previews what will change, confirms and sees the totals — in Chinese and
in English, on a phone and a desktop; the Excel template downloads and imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import browser_login, screenshot
from tests.factories import HEADER

GOOD_ROWS = (
    "1栋,101,89.50,registry,residence,delivered,o1,张三,\n"
    "1栋,102,90.00,registry,residence,delivered,o1,张三,\n"
    "2栋,101,120.25,contract,residence,unsold,,,\n"
)
BAD_ROW = "1栋,201,-5,registry,residence,delivered,o2,李四,\n"
FIXED_ROW = "1栋,201,100.00,registry,residence,delivered,o2,李四,\n"


def _write(tmp_path: Path, name: str, rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize("device", ["page", "phone_page"])
@pytest.mark.parametrize(
    ("lang", "row_error", "totals_text"),
    [
        ("zh", "第 5 行：面积 -5 必须大于 0", ["399.75 m²", "3"]),
        ("en", "Row 5: Area -5 must be greater than 0", ["399.75 m²", "3"]),
    ],
)
def test_committee_fixes_a_bad_row_and_sees_totals(
    request, live_server, make_community, make_user, tmp_path, lang, row_error, totals_text,
    device
) -> None:
    page = request.getfixturevalue(device)
    community = make_community(register=None)
    make_user("committee1", community, "committee")
    browser_login(page, live_server, "committee1")
    if lang == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    page.goto(f"{live_server}/c/{community.slug}/register/upload")

    bad = _write(tmp_path, "bad.csv", GOOD_ROWS + BAD_ROW)
    page.set_input_files("input[type=file]", str(bad))
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert row_error in alert.inner_text()
    screenshot(page, f"register-upload-row-error-{lang}-{device}")
    # nothing was imported
    page.goto(f"{live_server}/c/{community.slug}/register/")
    assert "0.00 m²" in page.content()

    page.goto(f"{live_server}/c/{community.slug}/register/upload")
    fixed = _write(tmp_path, "fixed.csv", GOOD_ROWS + FIXED_ROW)
    page.set_input_files("input[type=file]", str(fixed))
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    preview = page.locator(".import-preview").inner_text()
    assert ("将新增房屋：4" if lang == "zh" else "Units to add: 4") in preview
    screenshot(page, f"register-upload-preview-{lang}-{device}")
    page.goto(f"{live_server}/c/{community.slug}/register/")
    assert "0.00 m²" in page.content()          # the preview wrote nothing
    page.go_back()
    page.get_by_role("button", name="确认导入" if lang == "zh" else "Confirm import").click()
    page.wait_for_load_state()
    status = page.get_by_role("status").last.inner_text()
    for text in totals_text:
        assert text in status
    assert row_error not in page.content()
    screenshot(page, f"register-upload-totals-{lang}-{device}")


def test_excel_template_downloads_and_imports(page, live_server, make_community, make_user,
                                              tmp_path) -> None:
    community = make_community(register=None)
    make_user("committee1", community, "committee")
    browser_login(page, live_server, "committee1")
    page.goto(f"{live_server}/c/{community.slug}/register/upload")
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel 模板（.xlsx）").click()
    book = tmp_path / "template.xlsx"
    info.value.save_as(book)
    assert info.value.suggested_filename == f"{community.slug}-register-template.xlsx"
    page.set_input_files("input[type=file]", str(book))
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert "将新增房屋：2" in page.locator(".import-preview").inner_text()
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_load_state()
    assert "新增房屋：2" in page.get_by_role("status").last.inner_text()

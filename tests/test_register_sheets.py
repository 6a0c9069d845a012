"""Issue 12 item 4: the register import as committees work — Excel/WPS workbooks (.xlsx) and
CSV saved as GBK, a template to download, a preview (added / updated / unchanged) confirmed
before anything is written, and every fault of every row listed."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.register.csvfile import COLUMNS
from app.register.errors import RegisterFileError
from app.register.models import Community, Owner, Unit
from app.register.sheets import TEMPLATE_ROWS, register_rows
from tests.factories import HEADER, SMALL_REGISTER, login, upload_register

ROWS = [
    ["1栋", "101", "89.50", "registry", "residence", "delivered", "o1", "张三", ""],
    ["1栋", "102", "90.00", "registry", "residence", "delivered", "o2", "李四;王五", ""],
    ["地库", "P-01", "12.50", "contract", "parking", "unsold", "", "", ""],
]


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("notes").append(["not the register"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _csv(rows: list[list[str]]) -> str:
    return HEADER + "".join(",".join(r) + "\n" for r in rows)


def _units(community: Community) -> int:
    return db.session.execute(select(func.count()).select_from(Unit)
                              .where(Unit.community_id == community.id)).scalar_one()


def test_xlsx_cells_read_as_the_csv_would_hold_them() -> None:
    # numbers typed in Excel come back exact: 89.5 -> "89.5", a unit 101 -> "101"
    data = _xlsx([["1栋", 101, 89.5, "registry", "residence", "delivered", "o1", "张三", None]])
    assert register_rows(data)[1] == ["1栋", "101", "89.5", "registry", "residence",
                                      "delivered", "o1", "张三", ""]


def test_gbk_and_gb18030_csv_are_detected() -> None:
    text = _csv(ROWS)
    for encoding in ("gbk", "gb18030", "utf-8-sig", "utf-8"):
        assert register_rows(text.encode(encoding))[2][7] == "李四;王五", encoding


def test_a_damaged_workbook_is_said_to_be_one() -> None:
    # a zip that is not a workbook (a truncated download, a .docx) is never read as a CSV
    for data in (b"PK\x03\x04garbage", _xlsx(ROWS)[:200]):
        with pytest.raises(RegisterFileError) as refused:
            register_rows(data)
        assert refused.value.code == "bad_xlsx"


def test_cli_imports_xlsx_and_gbk(ctx: Flask, make_community: Callable[..., Community],
                                  tmp_path: Path) -> None:
    community = make_community(register=None)
    book = tmp_path / "名册.xlsx"
    book.write_bytes(_xlsx(ROWS))  # type: ignore[arg-type]
    result = ctx.test_cli_runner().invoke(args=["register", "import", "spj", str(book)])
    assert result.exit_code == 0, result.output
    assert "3 created" in result.output
    gbk = tmp_path / "名册.csv"
    extra = ["1栋", "103", "70.00", "survey", "residence", "delivered", "o3", "赵六", ""]
    gbk.write_bytes(_csv([*ROWS[:2], extra]).encode("gbk"))
    result = ctx.test_cli_runner().invoke(args=["register", "import", "spj", str(gbk)])
    assert result.exit_code == 0, result.output
    assert "1 created, 0 updated, 2 unchanged, 1 not in file" in result.output
    names = {o.owner_ref: o.names for o in db.session.execute(
        select(Owner).where(Owner.community_id == community.id)).scalars()}
    assert names["o2"] == "李四;王五" and names["o3"] == "赵六"


def test_cli_lists_every_fault_of_every_row_of_a_workbook(
        ctx: Flask, make_community: Callable[..., Community], tmp_path: Path) -> None:
    make_community(register=None)
    book = tmp_path / "bad.xlsx"
    book.write_bytes(_xlsx([["", "101", -5, "nowhere", "residence", "delivered", "", "", ""],
                            ROWS[0]]))
    result = ctx.test_cli_runner().invoke(args=["register", "import", "spj", str(book)])
    assert result.exit_code == 1
    for reason in ("row 2: Building is empty", "row 2: Area -5 must be greater than 0",
                   "row 2: Area source", "row 2: A delivered unit needs an owner_ref"):
        assert reason.lower() in result.output.lower(), (reason, result.output)


def test_templates_hold_the_header_and_two_examples_that_import(
        client: FlaskClient, make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    community = make_community(register=None)
    make_user("boss", community, "committee")
    login(client, "boss")
    csv_file = client.get("/c/spj/register/template.csv")
    assert csv_file.status_code == 200 and csv_file.mimetype == "text/csv"
    assert "attachment" in csv_file.headers["Content-Disposition"]
    lines = csv_file.get_data().decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(COLUMNS) and len(lines) == 3
    book = client.get("/c/spj/register/template.xlsx")
    assert book.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(book.get_data())).worksheets[0]
    assert [[c or "" for c in r] for r in sheet.iter_rows(values_only=True)] == [
        list(COLUMNS), *[list(r) for r in TEMPLATE_ROWS]]
    # both import as they are
    page = upload_register(client, "spj", book.get_data(), "template.xlsx")
    assert "新增房屋：2" in page.get_data(as_text=True)
    assert _units(community) == 2
    page = upload_register(client, "spj", csv_file.get_data(), "template.csv", confirm=False)
    assert "不变：2" in page.get_data(as_text=True)


def test_preview_lists_changes_and_writes_nothing_until_confirmed(
        client: FlaskClient, make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    community = make_community()  # the small register: 6 units
    make_user("boss", community, "committee")
    before = _units(community)
    login(client, "boss")
    lines = SMALL_REGISTER.splitlines()
    first = lines[1].split(",")
    changed = ",".join([*first[:2], "99.99", *first[3:]])
    data = "\n".join([lines[0], changed, *lines[2:],
                      "9栋,901,66.00,survey,residence,delivered,o9,新业主,"]) + "\n"
    preview = upload_register(client, "spj", data.encode("gbk"), "名册.csv", confirm=False)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "将新增房屋：1" in page and "将更新房屋：1" in page and "不变：5" in page
    assert "将新增业主：1" in page
    assert "新业主" in page and "99.99 m²" in page
    assert "尚未写入任何数据" in page
    assert _units(community) == before                       # nothing written yet
    # a forged or foreign token writes nothing
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page)
    assert token
    forged = client.post("/c/spj/register/upload", data={"token": token.group(1)[:-3] + "abc"})
    assert forged.status_code == 400 and "预览已过期或无效" in forged.get_data(as_text=True)
    assert _units(community) == before
    done = client.post("/c/spj/register/upload", data={"token": token.group(1)})
    assert done.status_code == 200
    assert "新增房屋：1" in done.get_data(as_text=True)
    assert "更新房屋：1" in done.get_data(as_text=True)
    assert _units(community) == before + 1


def test_preview_of_a_bad_file_lists_every_fault_and_offers_no_confirm(
        client: FlaskClient, make_community: Callable[..., Community],
        make_user: Callable[..., User]) -> None:
    community = make_community(register=None)
    make_user("boss", community, "committee")
    login(client, "boss")
    bad = _xlsx([["", "", "abc", "registry", "house", "delivered", "", "", ""],
                 ["1栋", "101", "89.50", "registry", "residence", "delivered", "o1", "张三", ""],
                 ["1栋", "101", "89.50", "registry", "residence", "delivered", "o1", "张三", ""]])
    response = upload_register(client, "spj", bad, "bad.xlsx", confirm=False)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for text in ("第 2 行：楼栋为空", "第 2 行：房号为空", "第 2 行：面积 abc 不是数字",
                 "第 2 行：类型 house 无效", "第 2 行：已交付的房屋必须填写业主编号",
                 "第 4 行：房屋 1栋-101 与第 3 行重复"):
        assert text in page, text
    assert 'name="token"' not in page
    assert _units(community) == 0

"""Every kind of bad register row, through the CLI and the upload page: nothing is imported."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from app.accounts.models import User
from app.extensions import db
from app.register.models import Building, Community, Owner, Unit
from tests.factories import HEADER, login, upload_register

GOOD = "1栋,101,89.50,registry,residence,delivered,o1,张三,13800000001\n"

#: (id, bad row placed at spreadsheet row 3 after GOOD at row 2, expected Chinese reason)
BAD_ROWS = [
    ("missing_building", ",102,80,registry,residence,delivered,o5,甲,", "第 3 行：楼栋为空"),
    ("missing_unit", "1栋,,80,registry,residence,delivered,o5,甲,", "第 3 行：房号为空"),
    ("too_long", "1栋," + "9" * 65 + ",80,registry,residence,delivered,o5,甲,",
     "第 3 行：房号过长：65 个字符，最多 64 个"),
    ("phone_longer_than_its_column", "1栋,102,80,registry,residence,delivered,o5,甲,"
     + "1" * 65, "第 3 行：电话过长：65 个字符，最多 64 个"),
    ("owner_ref_longer_than_its_column", "1栋,102,80,registry,residence,delivered,"
     + "o" * 65 + ",甲,", "第 3 行：业主编号过长：65 个字符，最多 64 个"),
    ("nul_byte", "1栋,102,80,registry,residence,delivered,o5,甲\x00乙,",
     "第 3 行：业主姓名含有空字符（NUL）"),
    ("area_not_number", "1栋,102,abc,registry,residence,delivered,o5,甲,",
     "第 3 行：面积 abc 不是数字"),
    ("area_zero", "1栋,102,0,registry,residence,delivered,o5,甲,", "第 3 行：面积 0 必须大于 0"),
    ("area_negative", "1栋,102,-3,registry,residence,delivered,o5,甲,",
     "第 3 行：面积 -3 必须大于 0"),
    ("area_three_decimals", "1栋,102,80.123,registry,residence,delivered,o5,甲,",
     "第 3 行：面积 80.123 的小数超过两位"),
    ("area_huge", "1栋,102,1000000,registry,residence,delivered,o5,甲,",
     "第 3 行：面积 1000000 过大"),
    ("bad_area_source", "1栋,102,80,guess,residence,delivered,o5,甲,",
     "第 3 行：面积来源 guess 无效"),
    ("bad_kind", "1栋,102,80,registry,villa,delivered,o5,甲,", "第 3 行：类型 villa 无效"),
    ("bad_status", "1栋,102,80,registry,residence,sold,o5,甲,", "第 3 行：状态 sold 无效"),
    ("delivered_without_owner", "1栋,102,80,registry,residence,delivered,,甲,",
     "第 3 行：已交付的房屋必须填写业主编号"),
    ("developer_on_delivered", "1栋,102,80,registry,residence,delivered,developer,开发商,",
     "第 3 行：业主编号 developer 只能用于未售或未交付的房屋"),
    ("duplicate_unit", "1栋,101,70,registry,residence,delivered,o5,甲,",
     "第 3 行：房屋 1栋-101 与第 2 行重复"),
    ("owner_conflict", "1栋,102,80,registry,residence,delivered,o1,李四,",
     "第 3 行：业主编号 o1 在第 2 行的姓名与本行不同"),
]


def _nothing_imported(community_id: int) -> None:
    """No building, unit or owner of the community exists."""
    for model in (Building, Unit, Owner):
        count = db.session.execute(
            select(func.count()).select_from(model).where(model.community_id == community_id)
        ).scalar_one()
        assert count == 0, model.__name__


def _cli_import(app: Flask, slug: str, data: bytes, tmp_path: Path) -> object:
    path = tmp_path / "register.csv"
    path.write_bytes(data)
    return app.test_cli_runner().invoke(args=["register", "import", slug, str(path)])


def _upload(client: FlaskClient, data: bytes) -> TestResponse:
    """Post a register file through the upload page."""
    return client.post("/c/spj/register/upload", data={"file": (io.BytesIO(data), "register.csv")},
                       content_type="multipart/form-data")


@pytest.mark.parametrize(("case", "row", "reason"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_bad_row_through_cli(ctx: Flask, make_community: Callable[..., Community], tmp_path: Path,
                             case: str, row: str, reason: str) -> None:
    community = make_community(register=None)
    result = _cli_import(ctx, "spj", (HEADER + GOOD + row + "\n").encode(), tmp_path)
    assert result.exit_code == 1
    assert "row 3: " in result.output
    assert "row 2:" not in result.output
    assert "1 bad row(s); nothing was imported" in result.output
    db.session.rollback()
    _nothing_imported(community.id)


@pytest.mark.parametrize(("case", "row", "reason"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_bad_row_through_upload(client: FlaskClient,
                                make_community: Callable[..., Community],
                                make_user: Callable[..., User], case: str, row: str,
                                reason: str) -> None:
    community = make_community(register=None)
    make_user("boss", community, "committee")
    login(client, "boss")
    response = _upload(client, (HEADER + GOOD + row + "\n").encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert reason in page
    assert "什么都没有导入" in page
    _nothing_imported(community.id)


def test_every_bad_row_is_listed_and_blank_lines_keep_numbering(
        ctx: Flask, client: FlaskClient, make_community: Callable[..., Community],
        make_user: Callable[..., User], tmp_path: Path) -> None:
    community = make_community(register=None)
    make_user("boss", community, "committee")
    data = (HEADER + GOOD + "\n,,,,,,,,\n"
            + "1栋,102,-1,registry,residence,delivered,o5,甲,\n"
            + "1栋,103,80,registry,residence,delivered,o6,乙,\n"
            + "1栋,104,80,registry,shop,delivered,o7,丙,\n").encode()
    result = _cli_import(ctx, "spj", data, tmp_path)
    assert result.exit_code == 1
    # row 3 is empty and row 4 only commas: both skipped, but they keep their numbers
    assert "row 5: Area -1 must be greater than 0" in result.output
    assert "row 7: Kind shop is not valid; use residence | commercial | parking" in result.output
    assert "row 6:" not in result.output
    assert "2 bad row(s); nothing was imported" in result.output
    db.session.rollback()
    login(client, "boss")
    page = _upload(client, data).get_data(as_text=True)
    assert "第 5 行：面积 -1 必须大于 0" in page
    assert "第 7 行：类型 shop 无效" in page
    assert "第 6 行" not in page
    _nothing_imported(community.id)


#: one row with three faults: an unknown kind, an area with three decimals, a phone too long
THREE_FAULTS = "1栋,103,80.123,registry,villa,delivered,o6,乙," + "1" * 70 + "\n"


def test_every_fault_of_a_row_is_listed_through_cli_and_upload(
        ctx, client, make_community, make_user, tmp_path) -> None:
    community = make_community(register=None)
    make_user("boss", community, "committee")
    data = (HEADER + GOOD + THREE_FAULTS).encode()
    result = _cli_import(ctx, "spj", data, tmp_path)
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("row ")] == [
        "row 3: Area 80.123 has more than two decimal places",
        "row 3: Kind villa is not valid; use residence | commercial | parking",
        "row 3: Phone is too long: 70 characters, at most 64",
    ]
    assert "1 bad row(s); nothing was imported" in result.output
    db.session.rollback()
    login(client, "boss")
    response = _upload(client, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for reason in ("第 3 行：面积 80.123 的小数超过两位",
                   "第 3 行：类型 villa 无效，应为 residence | commercial | parking",
                   "第 3 行：电话过长：70 个字符，最多 64 个"):
        assert reason in page
    assert page.count("<li>第 3 行：") == 3
    assert "有 1 行有误，什么都没有导入。请改正后重新上传。" in page
    _nothing_imported(community.id)


def test_upload_page_in_english_names_the_columns_in_english(
        client, make_community, make_user) -> None:
    community = make_community(register=None)
    make_user("boss", community, "committee")
    login(client, "boss")
    client.post("/lang/en")
    page = _upload(client, (HEADER + GOOD + ",,80,registry,residence,delivered,o5,x,\n"
                            ).encode()).get_data(as_text=True)
    assert "Row 3: Building is empty" in page
    assert "Row 3: Unit is empty" in page


#: (id, a file refused as a whole, what the CLI says, what the upload page says)
BAD_FILES = [
    ("header_missing_column",
     (HEADER.replace(",phone", "") + "1栋,101,89.50,registry,residence,delivered,o1,张三\n"
      ).encode(), "Error: The header lacks these columns: phone", "表头缺少这些列：phone"),
    ("neither_utf8_nor_gbk", HEADER.encode() + b"1\xff\xfe,101",
     "Error: The file is neither UTF-8 nor GBK (byte 75)",
     "文件既不是 UTF-8 也不是 GBK 编码（第 75 个字节）"),
]


@pytest.mark.parametrize(("case", "data", "cli_text", "page_text"), BAD_FILES,
                         ids=[c[0] for c in BAD_FILES])
def test_bad_file(ctx: Flask, client: FlaskClient, make_community: Callable[..., Community],
                  make_user: Callable[..., User], tmp_path: Path, case: str, data: bytes,
                  cli_text: str, page_text: str) -> None:
    community = make_community(register=None)
    make_user("boss", community, "committee")
    result = _cli_import(ctx, "spj", data, tmp_path)
    assert result.exit_code == 1 and cli_text in result.output
    db.session.rollback()
    login(client, "boss")
    response = _upload(client, data)
    assert response.status_code == 400
    assert page_text in response.get_data(as_text=True)
    _nothing_imported(community.id)


def test_bom_accepted_and_chinese_names_kept(ctx: Flask, make_community: Callable[..., Community],
                                             tmp_path: Path) -> None:
    community = make_community(register=None)
    data = b"\xef\xbb\xbf" + (HEADER + GOOD + "\n\n"
                              + "1栋,201,100,survey,residence,delivered,o2,李四;王五,\n").encode()
    result = _cli_import(ctx, "spj", data, tmp_path)
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    owners = {o.owner_ref: o for o in db.session.execute(
        select(Owner).where(Owner.community_id == community.id)).scalars()}
    assert owners["o1"].names == "张三"
    assert owners["o2"].name_list == ["李四", "王五"]
    assert {b.name for b in db.session.execute(select(Building)).scalars()} == {"1栋"}


def test_upload_success_shows_counts_and_totals(client: FlaskClient,
                                                make_community: Callable[..., Community],
                                                make_user: Callable[..., User]) -> None:
    from tests.factories import SMALL_REGISTER

    community = make_community(register=None)
    make_user("boss", community, "committee")
    login(client, "boss")
    response = upload_register(client, "spj", SMALL_REGISTER.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "新增房屋：6" in page
    assert "492.25 m²" in page and "4 人" in page


def test_upload_without_file_is_a_form_error(client: FlaskClient,
                                             make_community: Callable[..., Community],
                                             make_user: Callable[..., User]) -> None:
    community = make_community(register=None)
    make_user("boss", community, "committee")
    login(client, "boss")
    response = client.post("/c/spj/register/upload", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "请选择文件" in response.get_data(as_text=True)

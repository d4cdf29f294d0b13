"""Applications in their own JSON form: accepted shapes, batch ids, and located errors."""
import json
from decimal import Decimal

import pytest

from scoring.documents.json_file import json_path, read_json
from scoring.common.models import AttachmentKind, Severity
from tests.builders.applications import make_application


def as_json(items) -> bytes:
    return json.dumps(items, ensure_ascii=False).encode()


def dumped(*applications) -> list[dict]:
    return [json.loads(a.model_dump_json()) for a in applications]


def read(content: bytes):
    return read_json(content, "申报.json", "2023")


def test_list_of_applications_in_their_own_json_form_reads_back_equal():
    applications = [make_application(serial=1), make_application(serial=2, enterprises_connected=None)]

    parsed = read(as_json(dumped(*applications)))

    assert parsed.issues == []
    assert parsed.applications == applications
    assert parsed.origins == {applications[0].credit_code: ("", 1), applications[1].credit_code: ("", 2)}


def test_object_holding_an_applications_list_is_accepted():
    parsed = read(as_json({"applications": dumped(make_application())}))

    assert parsed.issues == [] and len(parsed.applications) == 1


def test_utf8_with_byte_order_mark_is_accepted():
    parsed = read(b"\xef\xbb\xbf" + as_json(dumped(make_application())))

    assert parsed.issues == [] and len(parsed.applications) == 1


def test_missing_batch_id_is_taken_from_the_target_batch():
    item = dumped(make_application())[0]
    del item["batch_id"]

    parsed = read(as_json([item]))

    assert parsed.applications[0].batch_id == "2023"


def test_application_of_another_batch_is_an_error_at_its_position():
    items = dumped(make_application(serial=1), make_application(serial=2, batch_year=2024))

    parsed = read(as_json(items))

    assert [(i.severity, i.row, i.column) for i in parsed.issues] == [(Severity.ERROR, 2, "batch_id")]
    assert "2024" in parsed.issues[0].message and [a.batch_id for a in parsed.applications] == ["2023"]


def test_validation_errors_are_located_by_position_and_json_path_in_chinese():
    first, second = dumped(make_application(serial=1), make_application(serial=2))
    first["patents"][0]["invention"] = -1
    del second["basic"]["unit_name"]
    second["recommendation"]["city"] = "长春市"

    parsed = read(as_json([first, second]))

    assert {(i.row, i.column, i.message) for i in parsed.issues} == {
        (1, "patents[0].invention", "不能小于 0"),
        (2, "basic.unit_name", "必须填写"),
        (2, "recommendation.city", "应为以下之一：" + "、".join(
            ["沈阳市", "大连市", "鞍山市", "抚顺市", "本溪市", "丹东市", "锦州市", "营口市", "阜新市", "辽阳市", "盘锦市",
             "铁岭市", "朝阳市", "葫芦岛市", "沈抚示范区"])),
    }
    assert parsed.applications == []


def test_same_year_twice_is_reported_in_chinese():
    item = dumped(make_application())[0]
    item["patents"].append(dict(item["patents"][0]))

    parsed = read(as_json([item]))

    assert [(i.row, i.message) for i in parsed.issues] == [(1, "专利产出数据中同一年度出现多次")]


def test_json_amounts_are_read_as_exact_decimals():
    item = dumped(make_application())[0]
    item["conversions"][0]["transfer_contract"] = 35.12

    parsed = read(json.dumps([item]).encode())

    assert parsed.applications[0].conversions[0].transfer_contract == Decimal("35.12")


def test_duplicate_credit_code_is_an_error_at_the_later_position():
    parsed = read(as_json(dumped(make_application(), make_application(basic={"unit_name": "重复大学"}))))

    assert [(i.severity, i.row, i.column) for i in parsed.issues] == [(Severity.ERROR, 2, "basic.credit_code")]
    assert len(parsed.applications) == 1


def test_attachments_become_references_that_remember_the_stored_file():
    attachment = {"kind": "三年建设方案", "filename": "方案.pdf", "sha256": "c" * 64, "size": 10}
    item = dumped(make_application(attachments=[attachment]))[0]

    parsed = read(as_json([item]))

    assert parsed.applications[0].attachments == []
    reference = parsed.references[0]
    assert (reference.kind, reference.filename, reference.row, reference.column, reference.known.sha256) == \
        (AttachmentKind.PLAN, "方案.pdf", 1, "attachments[0].filename", "c" * 64)


@pytest.mark.parametrize("content, phrase", [
    (b'[{"batch_id": "2023",', "第1行"),
    (b'{"data": []}', "applications"),
    (b"42", "applications"),
    ("[]".encode("utf-16"), "UTF-8"),
])
def test_file_that_is_not_a_list_of_applications_gives_one_clear_error(content, phrase):
    parsed = read(content)

    assert len(parsed.issues) == 1 and parsed.issues[0].severity is Severity.ERROR
    assert phrase in parsed.issues[0].message


def test_item_that_is_not_an_object_is_an_error_at_its_position():
    parsed = read(as_json([dumped(make_application())[0], "申报书"]))

    assert [(i.row, i.message) for i in parsed.issues] == [(2, "应为一份申报书（JSON 对象）")]


def test_json_path_writes_list_indices_in_brackets():
    assert json_path(("budget", "rows", 2, "amount")) == "budget.rows[2].amount"

"""Issue 27: the error page names a field by its label in the reader's language ("工单"), never by
its key ("ticket_id"), nested ones by their parts; every label of the map has its Chinese. The
page itself: tests/warranties/test_list_filters.py (a filter it cannot mean names 小区)."""

from __future__ import annotations

from flask_babel import force_locale

from pm_app.common.field_messages import FIELD_LABELS, field_label


def test_every_field_label_reads_in_chinese(app):
    with app.test_request_context(), force_locale("zh"):
        untranslated = {
            key: str(label)
            for key, label in FIELD_LABELS.items()
            if not any("\u4e00" <= ch <= "\u9fff" for ch in str(label))
        }
    assert not untranslated


def test_a_key_a_nested_key_and_an_unknown_key(app):
    with app.test_request_context(), force_locale("zh"):
        assert field_label("ticket_id") == "工单"
        assert field_label("findings.0.warranty_item_id") == "发现的问题 · 第 1 条 · 质保项目"
        assert field_label("gizmo") == "gizmo"
    with app.test_request_context(), force_locale("en"):
        assert field_label("ticket_id") == "Ticket"

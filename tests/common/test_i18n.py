"""The request's catalogue is found once per request (pm_app.common.i18n), and that keeps every
language choice: each request's own, and one changed within a request after Babel's refresh."""

from __future__ import annotations

from flask import session
from flask_babel import Domain, gettext, lazy_gettext, refresh

LOGIN_TITLE = {"zh": "登录", "en": "Sign in"}


def _lookups(monkeypatch) -> list[int]:
    """Counts Flask-Babel's own catalogue lookups (the ones the cache saves)."""
    found = []
    original = Domain.get_translations

    def counted(self):
        found.append(1)
        return original(self)

    monkeypatch.setattr(Domain, "get_translations", counted)
    return found


def test_a_page_looks_its_catalogue_up_once_however_many_strings_it_translates(client, monkeypatch):
    lookups = _lookups(monkeypatch)
    page = client.get("/login?lang=zh").get_data(as_text=True)
    assert LOGIN_TITLE["zh"] in page and page.count("</label>") >= 2  # several strings translated
    assert len(lookups) == 1


def test_each_request_translates_into_its_own_language(client):
    for lang in ("zh", "en", "zh"):  # one client, one shared app context, as in the tests
        assert LOGIN_TITLE[lang] in client.get(f"/login?lang={lang}").get_data(as_text=True)


def test_a_language_changed_within_a_request_is_honoured_after_refresh(app):
    with app.test_request_context("/"):
        session["lang"] = "zh"
        label = lazy_gettext("Sign in")
        assert gettext("Sign in") == str(label) == LOGIN_TITLE["zh"]
        session["lang"] = "en"
        refresh()
        assert gettext("Sign in") == str(label) == LOGIN_TITLE["en"]
        rendered = app.jinja_env.from_string("{{ _('Sign in') }}").render()
        assert rendered == LOGIN_TITLE["en"]

"""The API's read cache (pm_app/common/api_cache.py): a repeated read is served from Redis, and no
write, however it is made, leaves a stale answer behind; scope, tokens and languages never mix."""

from __future__ import annotations

import fakeredis
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import text

from pm_app.auth.services import end_sessions
from pm_app.common import api_cache
from pm_app.extensions import db
from pm_app.org.models import Compound
from tests.helpers import count_statements
from tests.org.conftest import city  # noqa: F401  (the fixture, shared)


@pytest.fixture
def cache(app, monkeypatch):
    fake = fakeredis.FakeRedis()
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://fake")
    monkeypatch.setitem(app.config, "API_CACHE_SECONDS", 30)
    monkeypatch.setitem(app.extensions, "pm_redis", fake)
    monkeypatch.setattr(api_cache, "_paused_until", 0.0)
    return fake


def entries(fake) -> int:
    return len(fake.keys(api_cache.ENTRY + "*"))


def warm(client, path):
    """Until the read is a hit: the test's data (and the client's token) committed first, so that
    what the test changes next is its only change; then a read that finds no epoch yet, one that
    fills the cache, and one served from it (the token check its only statement)."""
    client.get(path)
    db.session.commit()
    for _ in range(2):
        assert client.get(path).status_code == 200
    with count_statements() as sent:
        assert client.get(path).status_code == 200
    assert len(sent) == 1, sent


def test_a_repeated_read_is_served_from_the_cache_with_the_same_answer(api, city, cache):
    officer = api.as_(city.users["street_officer"])
    first = officer.get("/api/v1/compounds")
    warm(officer, "/api/v1/compounds")
    with count_statements() as sent:
        again = officer.get("/api/v1/compounds")
    assert again.status_code == 200 and again.json == first.json
    assert again.headers["X-Pagination"] == first.headers["X-Pagination"]
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert len(sent) == 1 and "api_token" in sent[0]  # the token is checked on every request; the rest is Redis
    assert "X-Frame-Options" in again.headers  # the app's response headers are added as always


def test_a_write_through_the_api_is_seen_by_the_next_read(api, city, cache):
    officer = api.as_(city.users["street_officer"])
    url = f"/api/v1/compounds/{city.compound.id}"
    warm(officer, url)
    assert officer.patch(url, json={"address": "东门路9号"}).status_code == 200
    assert officer.get(url).json["address"] == "东门路9号"


def test_a_hand_written_statement_is_seen_by_the_next_read(api, city, cache):
    officer = api.as_(city.users["street_officer"])
    url = f"/api/v1/compounds/{city.compound.id}"
    warm(officer, url)
    db.session.execute(
        text("UPDATE compound SET name = :name WHERE id = :id"), {"name": "改名新村", "id": city.compound.id}
    )
    db.session.commit()
    assert officer.get(url).json["name"] == "改名新村"


def test_a_write_to_a_table_the_answer_only_joined_is_seen(api, city, cache):
    """The households count of a compound comes from a subquery on household: adding one counts."""
    from tests.factories import HouseholdFactory

    officer = api.as_(city.users["street_officer"])
    url = f"/api/v1/compounds/{city.compound.id}"
    warm(officer, url)
    before = officer.get(url).json["households"]
    HouseholdFactory(building=city.household.building, unit="1-102")
    db.session.commit()
    assert officer.get(url).json["households"] == before + 1


def test_a_narrowed_scope_never_meets_the_old_answer(api, city, cache):
    officer_user = city.users["street_officer"]
    officer = api.as_(officer_user)
    url = f"/api/v1/compounds/{city.compound.id}"
    warm(officer, url)
    officer_user.streets = [city.other_street]
    db.session.commit()
    assert officer.get(url).status_code == 404
    assert [c["id"] for c in officer.get("/api/v1/compounds").json] == [city.other.id]


def test_a_revoked_token_is_refused_though_its_answers_are_cached(api, city, cache):
    officer = api.as_(city.users["street_officer"])
    warm(officer, "/api/v1/compounds")
    end_sessions(city.users["street_officer"])
    db.session.commit()
    assert officer.get("/api/v1/compounds").status_code == 401


def test_answers_are_never_shared_between_users_or_languages(api, city, cache):
    officer, regulator = api.as_(city.users["street_officer"]), api.as_(city.users["regulator"])
    warm(officer, "/api/v1/compounds")
    assert len(regulator.get("/api/v1/compounds").json) == 2
    assert len(officer.get("/api/v1/compounds").json) == 1
    warm(officer, "/api/v1/compounds?lang=en")
    assert entries(cache) == 3  # officer (zh, en) and regulator


def test_a_lost_versions_hash_never_matches_old_answers(api, city, cache):
    """Redis evicts or loses the hash, and the versions grow back to the very numbers an old answer
    carries: the new hash's epoch still tells them apart."""
    officer = api.as_(city.users["street_officer"])
    url = f"/api/v1/compounds/{city.compound.id}"
    warm(officer, url)
    before = cache.hgetall(api_cache.VERSIONS)
    cache.delete(api_cache.VERSIONS)
    db.session.execute(text("UPDATE compound SET name = '新名字' WHERE id = :id"), {"id": city.compound.id})
    db.session.commit()
    cache.hset(api_cache.VERSIONS, mapping={k: v for k, v in before.items() if k != api_cache.EPOCH})
    for _ in range(3):
        assert officer.get(url).json["name"] == "新名字"


def test_reads_and_writes_go_on_when_redis_is_down(api, city, cache, monkeypatch):
    officer = api.as_(city.users["street_officer"])
    url = f"/api/v1/compounds/{city.compound.id}"
    warm(officer, url)

    def down(*_args, **_kwargs):
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr(fakeredis.FakeRedis, "pipeline", down)
    assert officer.patch(url, json={"address": "停电路1号"}).status_code == 200
    assert officer.get(url).json["address"] == "停电路1号"
    assert api_cache._paused_until > 0  # one failure, then no Redis calls for a while


def test_nothing_is_cached_when_turned_off_or_refused(api, city, cache, app, monkeypatch):
    officer = api.as_(city.users["street_officer"])
    for _ in range(3):
        assert officer.get("/api/v1/compounds/999999").status_code == 404
    assert entries(cache) == 0
    monkeypatch.setitem(app.config, "API_CACHE_SECONDS", 0)
    for _ in range(3):
        assert officer.get("/api/v1/compounds").status_code == 200
    assert entries(cache) == 0


def test_a_request_that_writes_is_marked_and_not_stored(city, cache):
    """A GET with a side effect must run every time: a statement that writes marks the request."""
    state = api_cache.Seen(api_cache.ENTRY + "test", b"epoch", {})
    token = api_cache._recording.set(state)
    try:
        db.session.execute(text("UPDATE compound SET address = 'x' WHERE id = :id"), {"id": city.compound.id})
        api_cache.store(api_cache.Response(b"{}", status=200))
    finally:
        api_cache._recording.reset(token)
    assert state.wrote and not state.reads
    assert entries(cache) == 0


def test_the_tables_of_a_statement_are_read_from_its_sql(app):
    tables = api_cache.Tables(db.metadata)
    sql = str(db.session.query(Compound.id).join(Compound.street).statement)
    assert {"compound", "street"} <= tables.named(sql)
    assert tables.named("SELECT h.id FROM household h WHERE h.building_id IN (SELECT id FROM building)") == {
        "household",
        "building",
    }
    assert "bill" not in tables.named("SELECT bill_id FROM payment")  # a column is not a table
    assert tables.written('DELETE FROM "user" WHERE id = 1') == {
        "user",
        "api_token",
        "user_street",  # cascades
        "alert_ack",
        "import_upload",
    }
    assert tables.written("DELETE FROM alert WHERE id = 1") == {"alert", "alert_recipient", "delivery", "alert_ack"}


@pytest.mark.commits
def test_a_real_commit_raises_the_versions_before_and_after_it(app, cache):
    """Before: a read between the raise and the commit misses. After (the connection back in the
    pool): a read that ran before the commit landed, stored under the first raise, misses too."""
    from tests.factories import DistrictFactory

    DistrictFactory(name="晋安区")
    db.session.commit()
    assert int(cache.hget(api_cache.VERSIONS, "district")) == 2


def test_a_read_of_more_than_the_database_is_never_stored(api, city, cache):
    """The job health reports the queues in Redis: a version raise would never tell it changed."""
    regulator = api.as_(city.users["regulator"])
    db.session.commit()
    for _ in range(3):
        assert regulator.get("/api/v1/jobs/health").status_code == 200
    assert entries(cache) == 0

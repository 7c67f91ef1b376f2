"""User administration pages: admin only (404 for everyone else), create with bindings,
disable/enable, password reset, and CSRF protection of the forms."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from pm_app.auth.models import ApiToken, Role, User
from pm_app.auth.services import authenticate, issue_token
from pm_app.extensions import db
from pm_app.org.models import FirmKind
from tests.factories import CompoundFactory, FirmFactory, StreetFactory, UserFactory

ADMIN_PAGES = [
    ("get", "/admin/users"),
    ("get", "/admin/users/new"),
    ("post", "/admin/users/new"),
    ("post", "/admin/users/{id}/active"),
    ("get", "/admin/users/{id}/password"),
    ("post", "/admin/users/{id}/password"),
]


def login(client, user):
    response = client.post("/login", data={"username": user.username, "password": "password123"})
    assert response.status_code == 302, response.text
    return client


@pytest.fixture
def admin(client):
    user = UserFactory(role=Role.admin, username="root")
    login(client, user)
    return user


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


@pytest.mark.parametrize("role", [r for r in Role if r != Role.admin])
@pytest.mark.parametrize("method,path", ADMIN_PAGES)
def test_admin_pages_do_not_exist_for_other_roles(client, role, method, path):
    street, firm = (
        StreetFactory(),
        FirmFactory(kind=FirmKind.contractor if role == Role.contractor_staff else FirmKind.property),
    )
    user = UserFactory(role=role, streets=[street], firm=firm, compound=CompoundFactory())
    login(client, user)
    response = getattr(client, method)(path.format(id=user.id), data={"active": "0"})
    assert response.status_code == 404
    assert user.active


@pytest.mark.parametrize("method,path", ADMIN_PAGES)
def test_admin_pages_do_not_exist_for_anonymous_visitors(client, method, path):
    assert getattr(client, method)(path.format(id=1)).status_code == 404


def test_non_admins_see_no_users_link(client):
    login(client, UserFactory(role=Role.regulator))
    assert "/admin/users" not in client.get("/compounds").get_data(as_text=True)


def test_the_admin_lists_users_in_chinese(client, admin):
    UserFactory(role=Role.street_officer, username="officer1", streets=[StreetFactory(name="东街街道")])
    body = client.get("/admin/users").get_data(as_text=True)
    assert "用户" in body and "officer1" in body and "街道办人员" in body and "东街街道" in body
    assert 'href="/admin/users"' in body  # the nav link


def test_creating_a_street_officer_through_the_page(client, admin):
    street = StreetFactory()
    form = client.get("/admin/users/new").get_data(as_text=True)
    assert 'name="street_ids"' in form and 'data-binding="firm"' in form
    response = client.post(
        "/admin/users/new",
        data={
            "username": "officer9",
            "display_name": "王科员",
            "password": "long-enough-1",
            "role": "street_officer",
            "street_ids": [str(street.id)],
            "firm_id": "",
            "compound_id": "",
        },
    )
    assert response.status_code == 302
    user = _user("officer9")
    assert user.role == Role.street_officer and user.street_ids == [street.id] and user.display_name == "王科员"
    assert authenticate("officer9", "long-enough-1") == user
    assert "已创建用户 officer9" in client.get("/admin/users").get_data(as_text=True)


def test_creating_firm_staff_binds_the_chosen_firm(client, admin):
    firm = FirmFactory(kind=FirmKind.property)
    response = client.post(
        "/admin/users/new",
        data={"username": "staff9", "password": "long-enough-1", "role": "firm_staff", "firm_id": str(firm.id)},
    )
    assert response.status_code == 302
    assert _user("staff9").firm_id == firm.id


def test_the_firm_select_groups_firms_by_kind_for_the_role_filter(client, admin):
    FirmFactory(kind=FirmKind.property, name="甲物业")
    FirmFactory(kind=FirmKind.contractor, name="丙建设")
    FirmFactory(kind=FirmKind.supervisor, name="丁监理")
    body = client.get("/admin/users/new").get_data(as_text=True)
    assert re.search(r'data-kind="property">\s*<option value="\d+">甲物业', body)
    assert re.search(r'data-kind="contractor">\s*<option value="\d+">丙建设', body)
    assert "丁监理" not in body  # no role is ever bound to a supervisor


@pytest.mark.parametrize(
    "data,field_error",
    [
        ({"role": "firm_staff", "firm_id": "contractor"}, "请选择该角色对应类型的企业"),
        ({"role": "street_officer"}, "街道办人员须绑定至少一个已登记的街道"),
        ({"role": "street_officer", "street_ids": ["999999"]}, "街道办人员须绑定至少一个已登记的街道"),
        ({"role": "committee_member"}, "业委会成员须绑定一个小区"),
    ],
)
def test_a_bad_binding_shows_an_error_and_creates_nobody(client, admin, data, field_error):
    contractor = FirmFactory(kind=FirmKind.contractor)
    if data.get("firm_id") == "contractor":
        data = {**data, "firm_id": str(contractor.id)}
    response = client.post("/admin/users/new", data={"username": "bad1", "password": "long-enough-1", **data})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert field_error in body and "请修改标出的字段" in body
    assert 'value="bad1"' in body  # the form keeps what was typed
    assert _user("bad1") is None


def test_a_taken_username_and_a_short_password_are_reported_on_the_form(client, admin):
    UserFactory(username="taken")
    body = client.post(
        "/admin/users/new", data={"username": "taken", "password": "long-enough-1", "role": "regulator"}
    ).get_data(as_text=True)
    assert "该用户名已被占用" in body
    response = client.post("/admin/users/new", data={"username": "new1", "password": "short", "role": "regulator"})
    assert response.status_code == 422 and _user("new1") is None


def test_disabling_a_user_revokes_their_tokens_and_enabling_restores_login(client, admin):
    user = UserFactory(role=Role.regulator)
    issue_token(user)
    response = client.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert not user.active and authenticate(user.username, "password123") is None
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)) is None
    assert "已停用用户" in client.get("/admin/users").get_data(as_text=True)
    client.post(f"/admin/users/{user.id}/active", data={"active": "1"})
    assert user.active and authenticate(user.username, "password123") == user


def test_the_admin_cannot_disable_themself(client, admin):
    client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    assert admin.active
    assert "不能停用自己的账号" in client.get("/admin/users").get_data(as_text=True)


def test_an_unknown_user_is_404_for_the_admin_too(client, admin):
    assert client.post("/admin/users/999999/active", data={"active": "0"}).status_code == 404
    assert client.get("/admin/users/999999/password").status_code == 404


def test_resetting_a_password(client, admin):
    user = UserFactory(role=Role.regulator)
    response = client.post(f"/admin/users/{user.id}/password", data={"password": "brand-new-pass", "confirm": "other"})
    assert response.status_code == 422 and "两次输入的密码不一致" in response.get_data(as_text=True)
    response = client.post(
        f"/admin/users/{user.id}/password", data={"password": "brand-new-pass", "confirm": "brand-new-pass"}
    )
    assert response.status_code == 302
    assert authenticate(user.username, "brand-new-pass") == user


def test_a_form_post_without_a_csrf_token_is_refused(csrf_client):
    response = csrf_client.post("/login", data={"username": "root", "password": "password123"})
    assert response.status_code == 400
    assert csrf_client.post("/logout").status_code == 400
    assert csrf_client.post("/admin/users/new", data={"username": "x"}).status_code == 400


def test_a_form_post_with_the_pages_csrf_token_is_accepted(csrf_client):
    form = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = csrf_client.post("/login", data={"csrf_token": token, "username": "nobody", "password": "wrong-pass"})
    assert response.status_code == 200 and "用户名或密码错误" in response.get_data(as_text=True)

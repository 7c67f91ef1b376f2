from tests.factories import CompoundFactory, UserFactory


def test_admin_lists_compounds_through_the_api(api):
    compound = CompoundFactory()
    admin = UserFactory(role="admin")
    response = api.as_(admin).get("/api/v1/compounds")
    assert response.status_code == 200, response.json
    assert [c["code"] for c in response.json] == [compound.code]

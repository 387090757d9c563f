"""Stores through the commercetools Python SDK."""

import pytest
from commercetools.exceptions import CommercetoolsError
from commercetools.platform.models import (
    StoreDraft,
    StoreSetNameAction,
    StoreAddCountryAction,
    StoreCountry,
    StoreUpdate,
)


def test_create_get_query_update_delete(api):
    created = api.stores().post(StoreDraft(key="py-store", name={"en": "Py"}, languages=["en"]))
    assert created.key == "py-store"
    assert created.version == 1
    assert created.name == {"en": "Py"}
    assert created.countries == []

    assert api.stores().with_key("py-store").get().id == created.id
    assert api.stores().with_id(created.id).get().key == "py-store"

    page = api.stores().get(where=['key = "py-store"'], with_total=True)
    assert page.total == 1 and page.count == 1
    assert page.results[0].id == created.id

    updated = api.stores().with_id(created.id).post(StoreUpdate(version=1, actions=[
        StoreSetNameAction(name={"en": "Py 2"}),
        StoreAddCountryAction(country=StoreCountry(code="DE")),
    ]))
    assert updated.version == 2
    assert updated.name == {"en": "Py 2"}
    assert [c.code for c in updated.countries] == ["DE"]

    deleted = api.stores().with_key("py-store").delete(version=2)
    assert deleted.id == created.id
    assert api.stores().with_key("py-store").get() is None  # the SDK maps 404 to None


def test_errors_surface_with_codes(api):
    api.stores().post(StoreDraft(key="py-dup"))
    with pytest.raises(CommercetoolsError) as e:
        api.stores().post(StoreDraft(key="py-dup"))
    assert e.value.code == "DuplicateField"

    with pytest.raises(CommercetoolsError) as e:
        api.stores().get(where=["nosuchfield = 1"])
    assert e.value.code == "InvalidInput"

    with pytest.raises(CommercetoolsError) as e:
        api.stores().with_key("py-dup").post(StoreUpdate(version=9, actions=[
            StoreSetNameAction(name={"en": "x"})]))
    assert e.value.code == "ConcurrentModification"
    assert e.value.response.errors[0].current_version == 1

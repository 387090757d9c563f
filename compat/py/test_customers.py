"""Customers through the commercetools Python SDK: project and in-store sign-up, get, query,
update, delete and sign-in."""

import pytest
from commercetools.exceptions import CommercetoolsError
from commercetools.platform.models import (
    BaseAddress,
    CustomerAddAddressAction,
    CustomerDraft,
    CustomerSetFirstNameAction,
    CustomerSignin,
    CustomerUpdate,
    StoreDraft,
)


@pytest.fixture(scope="module")
def store_key(api):
    api.stores().post(StoreDraft(key="py-shop", name={"en": "Py shop"}))
    api.stores().post(StoreDraft(key="py-other"))
    return "py-shop"


def test_in_store_sign_up_get_query_update_delete(api, store_key):
    shop = api.in_store_key_with_store_key_value(store_key)
    result = shop.customers().post(CustomerDraft(email="Py@Example.com", password="py-pass", key="py-1"))
    c = result.customer
    assert c.email == "Py@Example.com"
    assert c.version == 1
    assert [s.key for s in c.stores] == [store_key]
    assert result.cart is None

    assert shop.customers().with_id(c.id).get().key == "py-1"
    assert shop.customers().with_key("py-1").get().id == c.id
    page = shop.customers().get(where=['email = "Py@Example.com"'], with_total=True)
    assert page.total == 1 and page.results[0].id == c.id
    other = api.in_store_key_with_store_key_value("py-other")
    assert other.customers().with_id(c.id).get() is None  # 404 in another store
    assert other.customers().get(where=['email = "Py@Example.com"']).count == 0

    updated = shop.customers().with_key("py-1").post(CustomerUpdate(version=1, actions=[
        CustomerSetFirstNameAction(first_name="Pia"),
        CustomerAddAddressAction(address=BaseAddress(country="DE", city="Köln")),
    ]))
    assert updated.version == 2
    assert updated.first_name == "Pia"
    assert updated.addresses[0].city == "Köln" and updated.addresses[0].id

    with pytest.raises(CommercetoolsError) as e:
        shop.customers().with_id(c.id).post(CustomerUpdate(version=1, actions=[
            CustomerSetFirstNameAction(first_name="stale")]))
    assert e.value.code == "ConcurrentModification"
    assert e.value.response.errors[0].current_version == 2

    deleted = shop.customers().with_id(c.id).delete(version=2, data_erasure=True)
    assert deleted.id == c.id
    assert api.customers().with_id(c.id).get() is None


def test_sign_in_global_and_in_store(api, store_key):
    shop = api.in_store_key_with_store_key_value(store_key)
    api.customers().post(CustomerDraft(email="global@py.de", password="g"))
    local = shop.customers().post(CustomerDraft(email="local@py.de", password="l")).customer

    signed = shop.login().post(CustomerSignin(email="LOCAL@py.de", password="l"))
    assert signed.customer.id == local.id
    assert api.login().post(CustomerSignin(email="global@py.de", password="g")).customer.email == "global@py.de"
    assert shop.login().post(CustomerSignin(email="global@py.de", password="g")).customer.email == "global@py.de"

    for root, email, password in [
        (shop, "local@py.de", "wrong"),
        (api, "local@py.de", "l"),
        (api.in_store_key_with_store_key_value("py-other"), "local@py.de", "l"),
    ]:
        with pytest.raises(CommercetoolsError) as e:
            root.login().post(CustomerSignin(email=email, password=password))
        assert e.value.code == "InvalidCredentials"

    with pytest.raises(CommercetoolsError) as e:
        shop.customers().post(CustomerDraft(email="local@py.de", password="x"))
    assert e.value.code == "DuplicateField"
    assert e.value.response.errors[0].field == "email"

"""The counters behind every limit on guessing secrets (coprod/throttles.py)."""

from django.test import RequestFactory, override_settings

from coprod.throttles import Limit, client_ip

LIMIT = Limit("test", 3, 60)


def test_a_key_is_blocked_after_its_failures_and_others_are_not():
    for count in (1, 2, 3):
        assert not LIMIT.is_blocked("a")
        assert LIMIT.fail("a") == count
    assert LIMIT.is_blocked("a")
    assert not LIMIT.is_blocked("b")


def test_clearing_a_key_gives_it_its_tries_back():
    for _ in range(3):
        LIMIT.fail("a")
    LIMIT.clear("a")
    assert not LIMIT.is_blocked("a")


def test_addresses_in_one_ipv6_network_count_as_one_client():
    factory = RequestFactory()
    first = client_ip(factory.get("/", REMOTE_ADDR="2001:db8:1:2::1"))
    same_network = client_ip(factory.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9"))
    other_network = client_ip(factory.get("/", REMOTE_ADDR="2001:db8:1:3::1"))
    assert first == same_network != other_network
    assert client_ip(factory.get("/", REMOTE_ADDR="198.51.100.4")) == "198.51.100.4"


def test_behind_one_trusted_proxy_the_forwarded_address_counts():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7"
    )
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: nothing forwarded is believed
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "198.51.100.7"

"""make bench-http's parts that can go wrong quietly: its floor, its pages, its reading of wrk."""

import importlib
import math

import pytest
from django.test import Client, override_settings

from coprod import settings as app_settings
from coprod.accounts.models import User
from coprod.accounts.services import organisation_create
from coprod.demo.scale import grow
from tests import bench_http
from tests.factories import UserFactory

WRK_OUTPUT = """\
Running 5s test @ http://127.0.0.1:8123/me/
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    40.12ms   10.01ms 120.00ms   70.00%
    Req/Sec    50.10     10.00    80.00     60.00%
  Latency Distribution
     50%   38.50ms
     75%   45.00ms
     90%   55.00ms
     99%    1.20s
  500 requests in 5.00s, 2.44MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:    100.00
Transfer/sec:    500.00KB
"""


def test_it_reads_requests_latency_size_and_errors_from_wrk():
    run = bench_http.parse_wrk(WRK_OUTPUT)

    assert run.requests_per_second == 100.0
    assert run.requests == 500
    assert run.p50_ms == 38.5
    assert run.bytes_per_request == 500 * 1024 / 100
    assert run.errors == 6


def test_it_reads_a_run_that_finished_no_request():
    output = "  0 requests in 5.00s, 0.00B read\nRequests/sec: 0.00\nTransfer/sec: 0.00B\n"

    run = bench_http.parse_wrk(output)

    assert run.requests_per_second == 0
    assert math.isnan(run.p50_ms)
    page = bench_http.Page("me", "member", "member", "/me/")
    result = bench_http.Result(page, floor=[bench_http.parse_wrk(WRK_OUTPUT)], runs=[run])
    assert result.ratio == math.inf
    assert not result.passed


def test_the_floor_runs_coprods_middleware_and_security_settings(monkeypatch):
    monkeypatch.setenv("BENCH_FLOOR_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/floor")

    floor = importlib.import_module("tests.bench_floor.settings")

    assert floor.MIDDLEWARE == app_settings.MIDDLEWARE
    assert floor.CONTENT_SECURITY_POLICY == app_settings.CONTENT_SECURITY_POLICY
    assert floor.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert floor.DATABASES["default"]["NAME"] == "floor"


@pytest.mark.django_db
def test_the_floor_page_reads_the_session_and_the_user_and_nothing_else(
    monkeypatch, django_assert_num_queries
):
    from tests.bench_floor.sessions import login_session

    monkeypatch.setenv("BENCH_FLOOR_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/floor")
    floor = importlib.import_module("tests.bench_floor.settings")
    client = Client()
    client.cookies["sessionid"] = login_session(
        UserFactory(), backend="django.contrib.auth.backends.ModelBackend"
    )

    with (
        override_settings(
            ROOT_URLCONF=floor.ROOT_URLCONF,
            TEMPLATES=floor.TEMPLATES,
            AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.ModelBackend"],  # the floor's
        ),
        django_assert_num_queries(2),
    ):
        response = client.get("/")

    assert response.status_code == 200
    assert b"<h1>Hello, " in response.content


@pytest.mark.django_db
def test_every_bench_page_answers_its_person_and_a_second_run_adds_nobody():
    org = organisation_create(name=bench_http.ORGANISATION)
    grow(organisation=org, members=30, projects=2, months=3)

    sessions, pages = bench_http.people_and_pages(org)
    again, _ = bench_http.people_and_pages(org)

    assert {page.role for page in pages} == {"member", "coordinator", "finance", "funder"}
    for page in pages:
        client = Client()
        client.cookies["sessionid"] = sessions[page.role]
        response = client.get(page.path)
        assert response.status_code == 200, (page.name, page.role, response.status_code)
    assert org.projects.first().meetings.filter(title="Next meeting").count() == 1
    assert set(again) == set(sessions)
    assert User.objects.filter(email__endswith="@bench-http.test").count() == 4

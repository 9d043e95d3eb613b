"""GET /healthz: is the database reachable, is the broker reachable.

It names the database vendor and broker transport but never a host, user or
password, so it can sit behind a load balancer without leaking anything.
"""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from coprod.celery import app as celery_app


def check_database() -> dict:
    """Run one trivial query on the default database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return {"ok": False, "vendor": connection.vendor, "error": type(error).__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict:
    """Open (and close) one connection to the Celery broker."""
    with celery_app.connection_for_write() as conn:
        transport = conn.transport.driver_name  # "redis", or "sqlalchemy" (embedded)
        try:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
        except Exception as error:
            return {"ok": False, "transport": transport, "error": type(error).__name__}
    return {"ok": True, "transport": transport}


@never_cache
@require_GET
def healthz(request):
    database = check_database()
    broker = check_broker()
    healthy = database["ok"] and broker["ok"]
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )

"""Profile one benchmark page in process: where a request's time goes.

Serves the page with Django's test client on the bench database (production
settings, the cache as configured), warms it, then times REQUESTS requests and
profiles them with cProfile. Prints the mean time a request, the queries, and
the functions that took the most time (cumulative, then their own).

    DJANGO_SETTINGS_MODULE=config.bench_settings DATABASE_URL=... REDIS_URL=... \
        .venv/bin/python -m bench.profile "Network page (member)" [--requests 200]

`make bench-profile PAGE="Network page (member)"` sets the environment.
"""

import argparse
import cProfile
import io
import pstats
import time

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench import prepare  # noqa: E402


def client_for(page: dict) -> Client:
    return Client(
        HTTP_HOST=prepare.HOST, HTTP_COOKIE=page["cookie"], HTTP_X_FORWARDED_PROTO="https"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "name", help="a page's name in bench/prepare.py, or part of it, or a path (with --as)"
    )
    parser.add_argument("--as", dest="role", choices=["member", "admin", "staff", "head"])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()
    if args.name.startswith("/"):
        cookie = prepare.session_cookie(prepare.bench_person(args.role)) if args.role else ""
        pages = [{"name": f"{args.name} as {args.role or 'a visitor'}", "path": args.name,
                  "cookie": cookie}]  # fmt: skip
    else:
        pages = [page for page in prepare.pages() if args.name.lower() in page["name"].lower()]
    if not pages:
        raise SystemExit(f"No page named like {args.name!r}")
    page = pages[0]
    client = client_for(page)
    for _ in range(20):
        response = client.get(page["path"])
        if response.status_code != 200:
            raise SystemExit(f"{page['path']} answered {response.status_code}")
    queries: list[str] = []
    with connection.execute_wrapper(
        lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
    ):
        client.get(page["path"])
    started = time.perf_counter()
    for _ in range(args.requests):
        client.get(page["path"])
    plain = (time.perf_counter() - started) / args.requests * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        client.get(page["path"])
    profiler.disable()
    print(f"{page['name']}: {page['path']}")
    print(
        f"  {plain:.2f} ms a request (unprofiled), {len(queries)} queries, "
        f"{len(response.content) // 1024} KB"
    )
    for sql in queries:
        print(f"    {sql[:160]}")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()

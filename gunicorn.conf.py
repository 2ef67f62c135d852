"""gunicorn settings for production: `gunicorn` in the project folder reads this file.

Sync workers, one per core by default, as measured on a 2-core machine (two
per core were slower there). Override with WEB_CONCURRENCY.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
# Loopback: the proxy in front runs on the same machine. Reachable directly, gunicorn
# would take anyone's word in X-Forwarded-For (TRUSTED_PROXY_COUNT=1 trusts the entry
# the proxy appends) and every per-address limit would be theirs to dodge. A proxy on
# another machine: GUNICORN_BIND=<private address>:8000, with a firewall letting in
# only the proxy.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Load the app once in the master: a worker then starts by forking, in
# milliseconds, instead of importing Django again (seconds of CPU under load).
preload_app = True
# No control socket: it sits at one path per machine, so two servers (two
# sites, or the load test's pair) would take each other's.
control_socket_disable = True
# Restart workers now and then so a slow leak can never take a server down.
max_requests = 10000
max_requests_jitter = 1000
accesslog = "-"
# Never logs the requests that could tie an anonymous story to an address.
logger_class = "core.access_log.AccessLogger"
errorlog = "-"
# X-Forwarded-Proto makes gunicorn report HTTPS to Django. Trust it from the
# local proxy only when Django is told to (TRUST_X_FORWARDED_PROTO), otherwise
# from nobody: anyone reaching the port could claim a secure connection.
trust_proto = os.environ.get("TRUST_X_FORWARDED_PROTO", "").strip().lower()
if trust_proto in {"1", "true", "yes", "on"}:
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
else:
    forwarded_allow_ips = ""

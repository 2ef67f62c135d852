"""`python -m loadtest [scenario ...]`: start the stack, run the scenarios, stop it all.

Every run is bounded: each scenario has a length, and the whole run a deadline
(--deadline) after which it is stopped and torn down.
"""

import argparse
import json
import signal
import sys
import time

from . import scenarios
from .harness import Stack

NAMES = [
    "mixed",
    "worker-kill",
    "postgres-restart",
    "smtp-outage",
    "registration-race",
    "shared-rate-limit",
    "periodic-once",
]


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__)
    parser.add_argument("scenarios", nargs="*", choices=[[], *NAMES], default=[])
    parser.add_argument("--short", action="store_true", help="a few seconds each, for CI")
    parser.add_argument("--mixed-seconds", type=float, help="(a) length (default 120; short 10)")
    parser.add_argument("--restart-seconds", type=float, help="(b) length (default 60; short 12)")
    parser.add_argument("--outage-seconds", type=float, help="(c) length (default 60; short 12)")
    parser.add_argument("--kill-seconds", type=float, help="(f) length (default 60; short 10)")
    parser.add_argument(
        "--race-rounds", type=int, help="(d) meetings raced for (default 3; short 1)"
    )
    parser.add_argument("--deadline", type=float, help="seconds before the whole run is stopped")
    args = parser.parse_args(argv)
    short = args.short
    args.mixed_seconds = args.mixed_seconds or (10 if short else 120)
    args.restart_seconds = args.restart_seconds or (12 if short else 60)
    args.outage_seconds = args.outage_seconds or (12 if short else 60)
    args.kill_seconds = args.kill_seconds or (10 if short else 60)
    args.race_rounds = args.race_rounds or (1 if short else 3)
    args.deadline = args.deadline or (
        300
        + args.mixed_seconds
        + args.restart_seconds
        + args.outage_seconds
        + args.kill_seconds
        + 60 * args.race_rounds
    )
    args.scenarios = args.scenarios or NAMES
    return args


def _out_of_time(signum, frame):
    raise TimeoutError("the run passed its deadline")


def main(argv=None) -> int:
    args = _arguments(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    signal.alarm(int(args.deadline))
    started = time.monotonic()
    results = []
    try:
        with Stack() as stack:
            plan = json.loads(stack.django("seed"))
            runs = {
                "mixed": lambda: scenarios.mixed(stack, plan, args.mixed_seconds),
                "postgres-restart": lambda: scenarios.postgres_restart(
                    stack, plan, args.restart_seconds
                ),
                "smtp-outage": lambda: scenarios.smtp_outage(stack, plan, args.outage_seconds),
                "registration-race": lambda: scenarios.registration_race(
                    stack, plan, args.race_rounds
                ),
                "shared-rate-limit": lambda: scenarios.shared_rate_limit(stack, plan),
                "worker-kill": lambda: scenarios.worker_kill(stack, plan, args.kill_seconds),
                "periodic-once": lambda: scenarios.periodic_once(stack, plan),
            }
            for name in args.scenarios:
                began = time.monotonic()
                print(f"\n== {name}", flush=True)
                passed, lines = runs[name]()
                for line in lines:
                    print(f"   {line}", flush=True)
                took = time.monotonic() - began
                print(f"   {'PASSED' if passed else 'FAILED'} in {took:.0f} s", flush=True)
                results.append((name, passed))
            if not all(passed for _, passed in results):
                print(stack.server_errors_logged()[-8000:])
    finally:
        signal.alarm(0)
    failed = [name for name, passed in results if not passed]
    print(
        f"\n{len(results) - len(failed)} passed, {len(failed)} failed "
        f"in {time.monotonic() - started:.0f} s" + (f": {', '.join(failed)}" if failed else "")
    )
    return 1 if failed or len(results) < len(args.scenarios) else 0


if __name__ == "__main__":
    sys.exit(main())

"""People import at a company's size, on the database at DATABASE_URL (a scratch copy: it writes).

    DATABASE_URL=postgres://... python bench/import_people.py --count 5000

Generates `--count` people (e-mail, name, a discipline of the catalogue, function,
capacity, tags, manager flag, language), then times: the dry run, the apply (all new
people), a second apply of the same rows (idempotent: nothing changes), and an apply
where a tenth of the rows changed. Queries are counted for each. Prints one JSON line.
The issue's bar: 5,000 rows import in under a minute on PostgreSQL. Not a test: timings
belong here (tests/disciplines/test_people_import.py checks behaviour and query counts).

The people it makes have e-mails at bench-import.invalid; --cleanup deletes them afterwards.
"""

import argparse
import json
import random
import time

import django_env

django_env.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from disciplines.models import Discipline  # noqa: E402
from disciplines.people_import import parse_csv, people_import  # noqa: E402

DOMAIN = "bench-import.invalid"
TAGS = ["api", "pricing", "security", "cloud", "hiring", "events", "brand", "data", "legal", "esg"]


def make_csv(count, slugs, *, seed, changed=0.0):
    rnd = random.Random(seed)
    lines = ["email,first_name,last_name,discipline,function,weekly_capacity,expertise,manager,language"]
    for i in range(count):
        chosen = random.Random(i)  # the same person gets the same row unless changed
        capacity = chosen.choice(["2", "4", "6", "8"])
        if rnd.random() < changed:
            capacity = str(int(capacity) + 1)
        function = chosen.choice(["expert", "expert", "expert", "communicator", "manager"])
        tags = ";".join(chosen.sample(TAGS, 3))
        manager = "yes" if chosen.random() < 0.05 else "no"
        language = chosen.choice(["en", "de"])
        slug = slugs[i % len(slugs)]
        lines.append(f"person{i}@{DOMAIN},First{i},Last{i},{slug},{function},{capacity},{tags},{manager},{language}")
    return "\n".join(lines)


def timed(label, rows, results, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        plan = people_import(actor=None, rows=rows, **kwargs)
        seconds = time.perf_counter() - started
    assert plan.ok, plan.errors[:5]
    results[label] = {"seconds": round(seconds, 2), "queries": len(captured), **plan.summary()}
    return plan


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--cleanup", action="store_true", help="delete the generated people afterwards")
    args = parser.parse_args()

    User = get_user_model()
    User.objects.filter(email__endswith=f"@{DOMAIN}").delete()
    slugs = list(Discipline.objects.values_list("slug", flat=True))
    if not slugs:
        raise SystemExit("No disciplines: migrate the database first.")
    results = {"count": args.count, "vendor": connection.vendor}
    text = make_csv(args.count, slugs, seed=1)
    started = time.perf_counter()
    rows = parse_csv(text)
    results["parse_seconds"] = round(time.perf_counter() - started, 2)
    timed("dry_run", rows, results)
    timed("apply", rows, results, apply=True)
    again = timed("apply_again", rows, results, apply=True)
    assert not again.has_changes, "the same file twice must change nothing"
    timed("apply_tenth_changed", parse_csv(make_csv(args.count, slugs, seed=2, changed=0.1)), results, apply=True)
    if args.cleanup:
        User.objects.filter(email__endswith=f"@{DOMAIN}").delete()
    print(json.dumps(results))


if __name__ == "__main__":
    main()

"""Benchmark: the first catalog request after a one-artifact edit, with the browse snapshot
patched from the change journal against rebuilt (comparisons/browse/snapshot.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/snapshot_bench \\
        .venv/bin/python -m benchmarks.snapshot_patch --edits 5

Run it against a database holding a synthetic catalog (`generate_catalog`). In this one
process, as one gunicorn worker would (derived cache and page cache on, the version in the
database): it requests /artifacts/ once so the snapshot exists, then --edits times saves one
published artifact with a new rank and kind the way admin does (its signals record the
change in the journal), and times the next /artifacts/ request (the snapshot patched).
Then the same after a ranks-only write (what the
incremental match-graph rebuild records: every row's rank and place are read again). Then,
for the rebuild every edit used to cost, the same kind of edit recorded without naming its
artifact (a bare `catalog_version_bump()`: the journal cannot say, the snapshot is read
again), timed the same way. Prints every timing and the medians, in ms.
"""

import argparse
import os
import random
import statistics
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=5, help="edits timed per way")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from catalog.choices import ArtifactKind
    from catalog.models import Artifact
    from catalog.versioning import catalog_version_bump

    if not (settings.CATALOG_DERIVED_CACHE and settings.PAGE_CACHE_ENABLED):
        raise SystemExit("Needs the derived and page caches on (their defaults).")
    rng = random.Random(args.seed)
    client = Client(HTTP_HOST="localhost")
    published = list(Artifact.objects.published().values_list("pk", flat=True))
    print(f"{len(published):,} published artifacts")

    def request(label: str) -> float:
        started = time.perf_counter()
        response = client.get("/artifacts/")
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        print(f"  {label}: {elapsed:,.0f} ms")
        return elapsed

    def edit(*, way: str) -> float:
        artifact = Artifact.objects.get(pk=rng.choice(published))
        rank = rng.randint(artifact.rank_low, artifact.rank_high)  # ranks stay in their range
        started = time.perf_counter()
        with transaction.atomic():
            if way == "patched":  # an editor's save: the signals record the artifact
                artifact.rank = rank
                artifact.kind = rng.choice(ArtifactKind.values)
                artifact.save()
            elif way == "ranks moved":  # a match-graph rebuild: new ranks, ranks-only
                Artifact.objects.filter(pk=artifact.pk).update(rank=rank)
                catalog_version_bump(ranks_only=True)
            else:  # a write that cannot say what it touched
                Artifact.objects.filter(pk=artifact.pk).update(
                    rank=rank, kind=rng.choice(ArtifactKind.values)
                )
                catalog_version_bump()
        return (time.perf_counter() - started) * 1000

    request("cold worker, first build")
    request("warm")
    results: dict[str, list[float]] = {"patched": [], "ranks moved": [], "rebuilt": []}
    saves: list[float] = []
    for way, times in results.items():
        print(way)
        for _ in range(args.edits):
            saved = edit(way=way)
            if way == "patched":
                saves.append(saved)
            times.append(request(f"after an edit (saved in {saved:,.1f} ms)"))
    for way, times in results.items():
        print(f"{way}: median {statistics.median(times):,.0f} ms, max {max(times):,.0f} ms")
    print(f"editor's save with its journal row: median {statistics.median(saves):,.1f} ms")


if __name__ == "__main__":
    main()

"""One search engine for the backend-parity property test (test_search_parity.py).

    DATABASE_URL=... python -m tests.comparisons.search_parity_worker

Builds the database it is pointed at (every migration), loads the demo catalog, writes the
catalog's vocabulary as one line, then answers queries: one JSON string a line on stdin,
one JSON list of the first 10 results' slugs a line on stdout. Protocol lines start with
PREFIX so that nothing else a setup step prints is read as an answer.

A process of its own because the suite runs on one database backend at a time: the test
starts one worker per backend, over the same catalog, and compares their answers.
"""

import json
import os
import sys

PREFIX = "PARITY "


def _say(payload: object) -> None:
    sys.stdout.write(PREFIX + json.dumps(payload) + "\n")
    sys.stdout.flush()


def _vocabulary() -> dict[str, list[str]]:
    from catalog.models import Artifact, Capability, Status, Tag

    names = sorted(set(Artifact.objects.published().values_list("name", flat=True)))
    tags = sorted(set(Tag.objects.values_list("name", flat=True)))
    capabilities = Capability.objects.published().filter(artifact__status=Status.PUBLISHED)
    titles = sorted(set(capabilities.values_list("title", flat=True)))
    words: set[str] = set()
    for row in capabilities.values_list("title", "description", "unique", "best_for"):
        for text in row:
            words.update(text.split())
    for text in names + tags:
        words.update(text.split())
    return {"names": names, "tags": tags, "titles": titles, "words": sorted(words)}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from catalog.services import artifact_scores_recompute
    from comparisons.search.service import search_run
    from demo.catalog import demo_catalog_load

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    demo_catalog_load()
    artifact_scores_recompute()
    _say(_vocabulary())
    for line in sys.stdin:
        query = json.loads(line)
        _say([r.artifact.slug for r in search_run(query=query).results[:10]])


if __name__ == "__main__":
    main()

"""Search relevance on real catalogs: `make relevance` (or `python benchmarks/relevance.py`).

For each backend (SQLite, then PostgreSQL) it builds a throwaway database, imports an
OpenRouter snapshot with --publish, runs a labelled set of intents written the way people
type them through `search_run`, and judges every result by the snapshot's own structured
fields (modalities, supported parameters, context length, prices, Hugging Face id): never
by hand-picked ids. A second set runs on the demo catalog, judged by the demo artifacts'
fields and capability tags. It reports success@3, precision@5 and nDCG@10 per intent and
overall, and writes the tables into docs/search.md (between the relevance markers).

Metrics (binary relevance, R = relevant artifacts in the whole catalog):
- success@3: 1 when at least one of the first 3 results is relevant;
- precision@5: relevant among the first 5, over min(5, R);
- nDCG@10: DCG of the first 10 over the ideal DCG of min(10, R) relevant results.

    python benchmarks/relevance.py [--snapshot FILE] [--backends sqlite,postgresql]
        [--intents openrouter|demo|FILE.json] [--no-write]

A held-back set on another snapshot: --snapshot OTHER.json --intents OTHER_INTENTS.json
(a JSON list of {"q": ..., "judge": {...}} in the judge vocabulary below).
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SNAPSHOT = ROOT.parent.parent / "shared" / "data" / "openrouter-models-2026-08-19.json"
if not DEFAULT_SNAPSHOT.exists():
    DEFAULT_SNAPSHOT = Path("/work/shared/data/openrouter-models-2026-08-19.json")
DOC = ROOT / "docs" / "search.md"
START, END = "<!-- relevance:start -->", "<!-- relevance:end -->"
PG_BASE = os.environ.get("RELEVANCE_PG", "postgres://postgres@127.0.0.1:5432")

# ---- the labelled intents --------------------------------------------------------------
# Judge vocabulary (all must hold): in/out: a modality the record takes/gives (text, image,
# audio, video, file, embedding, rerank); out_any: any of several; params: any of these
# supported parameters; ctx: minimum context length; cheap: the job's price is in the
# cheapest quarter of the records meeting the rest of the judge (free counts as cheapest);
# free: the model or a :free variant costs 0; open: open weights (a Hugging Face id);
# name: the name contains it (a family, read from the record, not an id); web: searches
# the web (a web_search price or parameter).

OPENROUTER_INTENTS: list[dict] = [
    # An image goes in, text comes out.
    {"q": "describe what is in a photo", "judge": {"in": "image", "out": "text"}},
    {"q": "read text from a scanned invoice", "judge": {"in": "image", "out": "text"}},
    {"q": "answer questions about a screenshot", "judge": {"in": "image", "out": "text"}},
    {"q": "extract data from a picture of a receipt", "judge": {"in": "image", "out": "text"}},
    {"q": "explain this diagram to me", "judge": {"in": "image", "out": "text"}},
    {"q": "caption my photos", "judge": {"in": "image", "out": "text"}},
    {"q": "ocr for handwritten notes", "judge": {"in": "image", "out": "text"}},
    {"q": "lowest cost vision model", "judge": {"in": "image", "cheap": True}},
    # Images come out.
    {"q": "generate images from text", "judge": {"out": "image"}},
    {"q": "fast image generation", "judge": {"out": "image"}},
    {"q": "make a logo for my startup", "judge": {"out": "image"}},
    {"q": "create pictures from a prompt", "judge": {"out": "image"}},
    {"q": "text-to-image model", "judge": {"out": "image"}},
    {"q": "edit a photo with a prompt", "judge": {"in": "image", "out": "image"}},
    {"q": "draw an illustration for a blog post", "judge": {"out": "image"}},
    {"q": "cheap image generator", "judge": {"out": "image", "cheap": True}},
    # Audio.
    {"q": "turn text into natural speech", "judge": {"out": "audio"}},
    {"q": "text to speech with natural voices", "judge": {"out": "audio"}},
    {"q": "read my article aloud", "judge": {"out": "audio"}},
    {"q": "narrate an audiobook", "judge": {"out": "audio"}},
    {"q": "affordable text-to-speech", "judge": {"out": "audio", "cheap": True}},
    {"q": "transcribe a podcast", "judge": {"in": "audio", "out": "text"}},
    {"q": "speech to text for meetings", "judge": {"in": "audio", "out": "text"}},
    {"q": "transcribe interviews", "judge": {"in": "audio", "out": "text"}},
    {"q": "convert voice recordings to text", "judge": {"in": "audio", "out": "text"}},
    {"q": "speech recognition api", "judge": {"in": "audio", "out": "text"}},
    # Video.
    {"q": "generate a video from a prompt", "judge": {"out": "video"}},
    {"q": "turn an image into a short video clip", "judge": {"in": "image", "out": "video"}},
    {"q": "text to video model", "judge": {"out": "video"}},
    {"q": "summarize a youtube video", "judge": {"in": "video", "out": "text"}},
    {"q": "understand video clips", "judge": {"in": "video"}},
    # Files and documents.
    {"q": "chat with a pdf", "judge": {"in": "file", "out": "text"}},
    {"q": "summarize a long pdf report", "judge": {"in": "file", "out": "text"}},
    # Embeddings and retrieval.
    {"q": "embeddings for semantic search", "judge": {"out": "embedding"}},
    {"q": "vector embeddings for rag", "judge": {"out": "embedding"}},
    {"q": "turn documents into vectors", "judge": {"out": "embedding"}},
    {"q": "cheapest embedding model", "judge": {"out": "embedding", "cheap": True}},
    {"q": "rerank search results", "judge": {"out": "rerank"}},
    # Text jobs, price, context.
    {"q": "cheap model for high volume chat", "judge": {"out": "text", "cheap": True}},
    {"q": "code completion model for programming", "judge": {"out": "text"}},
    {"q": "chatbot for customer support", "judge": {"out": "text"}},
    {"q": "write marketing emails", "judge": {"out": "text"}},
    {"q": "translate documents between languages", "judge": {"out": "text"}},
    {"q": "budget model for summarizing articles", "judge": {"out": "text", "cheap": True}},
    {"q": "free chat model", "judge": {"out": "text", "free": True}},
    {"q": "summarize long documents", "judge": {"out": "text", "ctx": 100_000}},
    {"q": "model that can read a whole book", "judge": {"out": "text", "ctx": 200_000}},
    {"q": "analyze a large codebase", "judge": {"out": "text", "ctx": 1_000_000}},
    {"q": "long context model for legal contracts", "judge": {"ctx": 100_000}},
    {"q": "1m token context window", "judge": {"ctx": 1_000_000}},
    {"q": "model with 200k context", "judge": {"ctx": 200_000}},
    # Features.
    {"q": "model with function calling", "judge": {"params": ["tools"]}},
    {"q": "llm that can use tools", "judge": {"params": ["tools"]}},
    {"q": "tool calling for agents", "judge": {"params": ["tools"]}},
    {
        "q": "json output for data extraction",
        "judge": {"params": ["response_format", "structured_outputs"]},
    },
    {
        "q": "structured outputs with a schema",
        "judge": {"params": ["response_format", "structured_outputs"]},
    },
    {"q": "reasoning model for hard math problems", "judge": {"params": ["reasoning"]}},
    {"q": "model that thinks step by step", "judge": {"params": ["reasoning"]}},
    {"q": "cheap reasoning model", "judge": {"params": ["reasoning"], "cheap": True}},
    {
        "q": "fast model with tool use and json mode",
        "judge": {"params": ["tools"], "params2": ["response_format", "structured_outputs"]},
    },
    # Open weights.
    {"q": "open weights model to run locally", "judge": {"open": True}},
    {"q": "open source llm i can self host", "judge": {"open": True}},
    {"q": "run a model offline on my laptop", "judge": {"open": True}},
    {"q": "open-weight model with tool calling", "judge": {"open": True, "params": ["tools"]}},
    # Families, web search.
    {"q": "qwen model for coding", "judge": {"name": "qwen", "out": "text"}},
    {"q": "gemini with a long context", "judge": {"name": "gemini", "ctx": 100_000}},
    {"q": "model that can search the web", "judge": {"web": True}},
    {"q": "llm with web search", "judge": {"web": True}},
]

# The demo catalog, judged by its artifacts' fields and capability tags.
DEMO_INTENTS: list[dict] = [
    {"q": "fast image generation", "judge": {"out": "image"}},
    {"q": "generate images from text", "judge": {"out": "image"}},
    {"q": "run a model locally", "judge": {"open": True}},
    {"q": "open weights model to run locally", "judge": {"open": True}},
    {"q": "transcribe interviews", "judge": {"in": "audio", "out": "text"}},
    {"q": "summarize meeting recordings", "judge": {"in": "audio", "out": "text"}},
    {"q": "text to speech with natural voices", "judge": {"out": "audio"}},
    {"q": "describe what is in a photo", "judge": {"in": "image", "out": "text"}},
    {"q": "cheap model with a long context window", "judge": {"ctx": 100_000, "cheap": True}},
    {"q": "agent that fixes bugs in my repository", "judge": {"kind": "agent"}},
    {"q": "no-code workflow automation", "judge": {"tag": "workflow-automation"}},
    {"q": "mcp server for github", "judge": {"kind": "mcp_server"}},
    {"q": "library for building rag apps", "judge": {"kind": "library"}},
    {"q": "editor extension for code completion", "judge": {"kind": "extension"}},
    {"q": "embeddings for semantic search", "judge": {"out": "embedding"}},
    {"q": "model with function calling", "judge": {"tag": "function-calling"}},
    {"q": "reasoning model for math", "judge": {"tag": "reasoning"}},
    {"q": "json structured output", "judge": {"tag": "structured-output"}},
    {"q": "free chat app", "judge": {"kind": "app", "free": True}},
    {"q": "translate text between languages", "judge": {"tag": "translation"}},
]

MODALITY = {
    "text": "text",
    "image": "image",
    "audio": "audio",
    "video": "video",
    "file": "file",
    "embeddings": "embedding",
    "transcription": "text",
    "speech": "audio",
    "rerank": "rerank",
}

# ---- judging ---------------------------------------------------------------------------


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def openrouter_facts(records: list[dict]) -> dict[str, dict]:
    """Judge facts per base model id (variants such as ":free" fold into their base)."""
    facts: dict[str, dict] = {}
    for record in records:
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            continue
        base, _, variant = record["id"].partition(":")
        arch = record.get("architecture") or {}
        inputs = arch.get("input_modalities") or []
        outputs = arch.get("output_modalities") or []
        if not inputs and not outputs and "->" in str(arch.get("modality", "")):
            left, right = str(arch["modality"]).split("->", 1)
            inputs, outputs = left.split("+"), right.split("+")
        pricing = record.get("pricing") or {}
        prompt, completion = _number(pricing.get("prompt")), _number(pricing.get("completion"))
        image = _number(pricing.get("image_output"))
        audio_out = _number(pricing.get("audio_output"))
        # All-zero prices are free only on a ":free" variant; elsewhere the price is unknown.
        zero = prompt == 0 and completion == 0
        free = zero and variant == "free"
        if zero and not free:
            prompt = completion = None
        entry = facts.setdefault(base, {"free": False})
        entry["free"] = entry["free"] or free
        if variant and base in facts and "inputs" in entry:
            continue  # the plain model's own fields win over a variant's
        params = set(record.get("supported_parameters") or [])
        entry.update(
            inputs={MODALITY.get(m, m) for m in inputs},
            outputs={MODALITY.get(m, m) for m in outputs},
            params=params | ({"reasoning"} if params & {"include_reasoning"} else set()),
            ctx=record.get("context_length") or 0,
            open=bool(record.get("hugging_face_id")),
            name=str(record.get("name", "")).lower(),
            web="web_search" in pricing or "web_search_options" in params,
            price={
                "text": None if prompt is None or completion is None else prompt + completion,
                "image": image,
                "audio": None if prompt is None else prompt + (audio_out or completion or 0),
                "embedding": prompt,
                "video": completion,
            },
            kind="model",
            tags=set(),
        )
    return {k: v for k, v in facts.items() if "inputs" in v}


def _job(judge: dict) -> str:
    out = judge.get("out")
    return out if out in ("image", "audio", "embedding", "video") else "text"


def judge_holds(judge: dict, fact: dict, *, cheap_limit: float | None) -> bool:
    """Whether one artifact's facts meet a judge (cheap_limit: the cheap price bound)."""
    checks = [
        "in" not in judge or judge["in"] in fact["inputs"],
        "out" not in judge or judge["out"] in fact["outputs"],
        "ctx" not in judge or fact["ctx"] >= judge["ctx"],
        "params" not in judge or bool(set(judge["params"]) & fact["params"]),
        "params2" not in judge or bool(set(judge["params2"]) & fact["params"]),
        "open" not in judge or fact["open"],
        "free" not in judge or fact["free"],
        "name" not in judge or judge["name"] in fact["name"],
        "web" not in judge or fact["web"],
        "kind" not in judge or fact["kind"] == judge["kind"],
        "tag" not in judge or judge["tag"] in fact["tags"],
    ]
    if not all(checks):
        return False
    if judge.get("cheap"):
        price = fact["price"].get(_job(judge))
        return price is not None and cheap_limit is not None and price <= cheap_limit
    return True


def cheap_limit_for(judge: dict, facts: dict[str, dict]) -> float | None:
    """The price bound of "cheap": the lower quartile of the job's price among the
    artifacts meeting the rest of the judge."""
    if not judge.get("cheap"):
        return None
    rest = {k: v for k, v in judge.items() if k != "cheap"}
    prices = sorted(
        p
        for fact in facts.values()
        if judge_holds(rest, fact, cheap_limit=None)
        and (p := fact["price"].get(_job(judge))) is not None
    )
    if not prices:
        return None
    return prices[max(0, math.ceil(len(prices) / 4) - 1)]


def metrics(relevant_flags: list[bool], total_relevant: int) -> dict[str, float]:
    top3, top5, top10 = relevant_flags[:3], relevant_flags[:5], relevant_flags[:10]
    dcg = sum(1 / math.log2(i + 2) for i, hit in enumerate(top10) if hit)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(10, total_relevant)))
    return {
        "success@3": 1.0 if any(top3) else 0.0,
        "precision@5": (sum(top5) / min(5, total_relevant)) if total_relevant else 0.0,
        "ndcg@10": dcg / ideal if ideal else 0.0,
    }


# ---- one backend (runs in a child process with DATABASE_URL set) ----------------------


def _worker(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from catalog.models import Artifact, Status
    from comparisons.search.service import search_run

    if not args.skip_load:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
    if args.catalog == "demo":
        from catalog.services import artifact_scores_recompute
        from demo.catalog import demo_catalog_load

        if not args.skip_load:
            demo_catalog_load()
            artifact_scores_recompute()
        facts = _demo_facts(Artifact, Status)
        by_artifact = {slug: slug for slug in facts}
        key_field = "slug"
    else:
        with open(args.snapshot, encoding="utf-8") as handle:
            payload = json.load(handle)
        records = payload.get("data", payload) if isinstance(payload, dict) else payload
        facts = openrouter_facts(records)
        if not args.skip_load:
            call_command("import_openrouter", args.snapshot, publish=True, verbosity=0)
        by_artifact = dict(
            Artifact.objects.filter(status=Status.PUBLISHED).values_list("slug", "external_id")
        )
        key_field = "external_id"
    published = set(by_artifact.values())
    intents = _intents(args.intents)
    rows = []
    for intent in intents:
        judge = intent["judge"]
        limit = cheap_limit_for(judge, {k: v for k, v in facts.items() if k in published})
        relevant = {
            k for k, fact in facts.items() if k in published and judge_holds(judge, fact,
            cheap_limit=limit)
        }  # fmt: skip
        outcome = search_run(query=intent["q"])
        shown = [r.artifact for r in outcome.results[:10]]
        if len(shown) < 10 and outcome.page.paginator.num_pages > 1:
            shown += [r.artifact for r in search_run(query=intent["q"], page_number=2).results]
        keys = [getattr(a, key_field) for a in shown[:10]]
        flags = [k in relevant for k in keys]
        rows.append(
            {
                "q": intent["q"],
                "relevant": len(relevant),
                "constraints": [c.label for c in outcome.constraints],
                **metrics(flags, len(relevant)),
            }
        )
    parity = {q: _top_slugs(search_run, q) for q in vocabulary_queries(args.parity)}
    print(json.dumps({"vendor": connection.vendor, "rows": rows, "parity": parity}))


def _top_slugs(search_run, query: str) -> list[str]:
    return [r.artifact.slug for r in search_run(query=query).results[:10]]


def vocabulary_queries(count: int, seed: int = 20261130) -> list[str]:
    """Queries drawn from the catalog's own vocabulary (published names with their versions
    and punctuation, tag names, capability titles), alone and in pairs, the same on every
    backend for the same catalog: the backend-parity check compares their top 10."""
    import random

    from catalog.models import Artifact, Capability, Tag

    names = sorted(set(Artifact.objects.published().values_list("name", flat=True)))
    tags = sorted(set(Tag.objects.values_list("name", flat=True)))
    titles = sorted(set(Capability.objects.published().values_list("title", flat=True)))
    pool = names + tags + titles
    if not pool:
        return []
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        shape = rng.random()
        if shape < 0.4:
            queries.append(rng.choice(pool))
        elif shape < 0.7:
            queries.append(f"{rng.choice(titles or pool)} {rng.choice(names)}")
        else:
            words = rng.choice(pool).split()
            queries.append(" ".join(words[: rng.randint(1, len(words))]).lower())
    return list(dict.fromkeys(queries))


def _demo_facts(artifact_model, status) -> dict[str, dict]:
    facts = {}
    artifacts = artifact_model.objects.filter(status=status.PUBLISHED).prefetch_related(
        "capabilities__tags"
    )
    for artifact in artifacts:
        prices = artifact.prices or {}
        price = artifact.starting_price
        text_price = None
        if "prompt_token" in prices:
            text_price = float(prices["prompt_token"]) + float(prices.get("completion_token", 0))
        elif price is not None and artifact.price_unit == "prompt_token":
            text_price = float(price)
        elif artifact.pricing_model == "free" and price is None:
            text_price = 0.0
        facts[artifact.slug] = {
            "inputs": set(artifact.input_modalities),
            "outputs": set(artifact.output_modalities),
            "params": set(),
            "ctx": artifact.context_length or 0,
            "open": artifact.open_weights
            or any(
                t.slug in ("open-weights", "local-inference")
                for c in artifact.capabilities.all()
                for t in c.tags.all()
            ),
            "free": artifact.pricing_model in ("free", "open_source") or artifact.has_free_tier,
            "name": artifact.name.lower(),
            "web": False,
            "price": {"text": text_price},
            "kind": artifact.kind,
            "tags": {t.slug for c in artifact.capabilities.all() for t in c.tags.all()},
        }
    return facts


def _intents(name: str) -> list[dict]:
    if name == "openrouter":
        return OPENROUTER_INTENTS
    if name == "demo":
        return DEMO_INTENTS
    with open(name, encoding="utf-8") as handle:
        return json.load(handle)


# ---- the driver ------------------------------------------------------------------------


def _run_backend(backend: str, *, catalog: str, snapshot: str, intents: str, parity: int) -> dict:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    database = f"relevance_{uuid.uuid4().hex[:10]}"
    with tempfile.TemporaryDirectory() as tmp:
        if backend == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{tmp}/relevance.sqlite3"
        else:
            env["DATABASE_URL"] = f"{PG_BASE}/{database}"
            _psql(f'CREATE DATABASE "{database}"')
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--worker", "--catalog", catalog,
                 "--snapshot", snapshot, "--intents", intents, "--parity", str(parity)],
                env=env, cwd=ROOT, capture_output=True, text=True, check=False,
            )  # fmt: skip
        finally:
            if backend != "sqlite":
                _psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"relevance: the {backend} run failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _psql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def _overall(rows: list[dict]) -> dict[str, float]:
    return {
        m: statistics.fmean(r[m] for r in rows) for m in ("success@3", "precision@5", "ndcg@10")
    }


def _table(title: str, results: dict[str, dict]) -> list[str]:
    backends = list(results)
    lines = [f"#### {title}", ""]
    header = "| intent | relevant in catalog | parsed | " + " | ".join(
        f"{b} s@3 | {b} p@5 | {b} nDCG@10" for b in backends
    )
    lines += [header + " |", "|" + "---|" * (3 + 3 * len(backends))]
    first = results[backends[0]]["rows"]
    for i, row in enumerate(first):
        cells = [f"`{row['q']}`", str(row["relevant"]), ", ".join(row["constraints"]) or "—"]
        for backend in backends:
            other = results[backend]["rows"][i]
            cells += [f"{other['success@3']:.0f}", f"{other['precision@5']:.2f}",
                      f"{other['ndcg@10']:.2f}"]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["**overall**", "", ""]
    for backend in backends:
        total = _overall(results[backend]["rows"])
        cells += [f"**{total['success@3']:.2f}**", f"**{total['precision@5']:.2f}**",
                  f"**{total['ndcg@10']:.2f}**"]  # fmt: skip
    lines += ["| " + " | ".join(cells) + " |", ""]
    return lines


def _parity(results: dict[str, dict]) -> list[str]:
    """Whether every backend returned the same top 10 for the vocabulary queries."""
    if len(results) < 2:
        return []
    first, *others = results.values()
    queries = list(first["parity"])
    differing = [
        q for q in queries if any(other["parity"].get(q) != first["parity"][q] for other in others)
    ]
    lines = [
        f"Backend parity: the same top 10 on {' and '.join(results)} for "
        f"{len(queries) - len(differing)} of {len(queries)} queries drawn from the catalog's "
        "names, tags and capability titles."
    ]
    for query in differing[:10]:
        lines.append(f"- differs: `{query}`")
    print("  " + lines[0], file=sys.stderr)
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--catalog", default="openrouter", choices=["openrouter", "demo"])
    parser.add_argument("--snapshot", default=str(DEFAULT_SNAPSHOT))
    parser.add_argument("--intents", default="")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--parity", type=int, default=200, help="vocabulary queries compared across backends"
    )
    # With --worker: use the database DATABASE_URL names as it is (no migrate, no import).
    parser.add_argument("--skip-load", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.intents = args.intents or args.catalog
        _worker(args)
        return
    backends = [b for b in args.backends.split(",") if b]
    runs = [("openrouter", args.intents or "openrouter")]
    if not args.intents:
        runs.append(("demo", "demo"))
    lines = []
    # Every (catalog, backend) run is its own process and database: run them side by side.
    with ThreadPoolExecutor(max_workers=len(runs) * len(backends)) as pool:
        futures = {
            (catalog, backend): pool.submit(
                _run_backend,
                backend,
                catalog=catalog,
                snapshot=args.snapshot,
                intents=intents,
                parity=args.parity,
            )
            for catalog, intents in runs
            for backend in backends
        }
        print(f"relevance: {len(futures)} runs started", file=sys.stderr)
        done = {key: future.result() for key, future in futures.items()}
    for catalog, _intents_name in runs:
        results = {}
        for backend in backends:
            results[backend] = done[(catalog, backend)]
            total = _overall(results[backend]["rows"])
            print(
                f"  {catalog} {backend}: success@3 {total['success@3']:.3f}, precision@5 "
                f"{total['precision@5']:.3f}, nDCG@10 {total['ndcg@10']:.3f} "
                f"({len(results[backend]['rows'])} intents)",
                file=sys.stderr,
            )
        count = len(results[backends[0]]["rows"])
        title = (
            f"OpenRouter snapshot `{Path(args.snapshot).name}` ({count} intents)"
            if catalog == "openrouter"
            else f"Demo catalog ({count} intents)"
        )
        lines += _table(title, results)
        lines += _parity(results)
    if args.no_write or args.intents:
        print("\n".join(lines))
        return
    text = DOC.read_text(encoding="utf-8")
    block = "\n".join([START, "", *lines, END])
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")
    print(f"relevance: wrote the tables into {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

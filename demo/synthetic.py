"""A synthetic catalog at a requested size, for benchmarks and scale tests.

Pure and deterministic: the same seed and sizes give the same rows, byte for byte, because
every stream draws from its own `random.Random(f"{seed}:{stream}")` and no row depends on
the clock. Nothing here touches the database; `manage.py generate_catalog` streams these
rows into it (COPY on PostgreSQL, bulk_create elsewhere).

Everything it makes is visibly synthetic: vendor names "Synthetic Labs N", slugs starting
with `syn-`, homepages under the reserved `.invalid` domain, summaries that say so.

Shapes follow what a real catalog looks like: capability wording drawn from the demo
catalog's tag taxonomy, artifacts concentrated on a few popular jobs, popularity with a
heavy tail, and searches spread over intents with a Zipf-like long tail (a few intents are
searched thousands of times, most only once or twice).
"""

import bisect
import itertools
import math
import random
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from catalog.models import SCORE_COMPONENTS, SCORE_INTERVALS
from comparisons.search.normalise import intent_normalise

SLUG_PREFIX = "syn-"
VENDOR_NAME = "Synthetic Labs {n}"
# A fixed "now" keeps the output independent of the day it is generated.
ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)
# Exponent of the intent popularity law: weight of the r-th intent is 1 / r**s.
ZIPF_EXPONENT = 1.07
ARTIFACTS_PER_VENDOR = 50


@dataclass(frozen=True)
class Job:
    """One tag of the taxonomy and how people talk about it."""

    name: str
    verbs: tuple[str, ...]
    objects: tuple[str, ...]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    # Relative share of artifacts that focus on this job.
    weight: float = 1.0


# The tag taxonomy of demo/data/SCHEMA.md and how people word each job:
# "slug | name | inputs -> outputs | share of artifacts", then a line of verbs and a line of
# objects (both ";"-separated).
_JOB_TABLE = """
text-generation | Text generation | text -> text | 4
    write; draft; generate; rewrite
    blog posts; product descriptions; short stories; newsletters; cover letters; release notes
chat | Chat assistant | text -> text | 4
    chat about; answer questions on; brainstorm; discuss
    everyday topics; travel plans; homework; recipes; career advice; product ideas
reasoning | Reasoning | text -> text | 2
    solve; reason through; check; work out
    math problems; logic puzzles; proofs; planning tasks; science questions; tricky word problems
code-generation | Code generation | text, code -> code | 3
    write; generate; refactor; translate
    python scripts; sql queries; react components; unit tests; bash one-liners; rust functions
code-completion | Code completion | code -> code | 1.5
    complete; autocomplete; suggest; fill in
    code in the editor; function bodies; typescript types; docstrings; boilerplate; test cases
agentic-coding | Agentic coding | text, code -> code | 1.5
    fix; implement; review; migrate
    github issues; pull requests; failing tests; legacy codebases; dependency upgrades; features
function-calling | Function calling | text -> text | 1
    call; orchestrate; route; chain
    external apis; tools; json functions; webhooks; database queries; calendar actions
structured-output | Structured output | text -> text | 1
    extract; return; produce; validate
    json objects; typed fields; csv rows; schema-valid records; yaml configs; key value pairs
long-context | Long context | text, file -> text | 1
    read; query; analyse; search through
    entire books; large codebases; long contracts; hundreds of pages; meeting archives; log files
image-understanding | Image understanding | image -> text | 1.5
    describe; caption; analyse; answer questions about
    photos; screenshots; charts; diagrams; product images; memes
video-understanding | Video understanding | video -> text | 0.8
    summarise; search; caption; tag scenes in
    videos; lectures; surveillance footage; sports clips; screen recordings; tutorials
document-extraction | Document extraction | file, image -> text | 1.5
    extract; parse; digitise; pull tables from
    pdfs; invoices; receipts; scanned forms; bank statements; research papers
image-generation | Image generation | text -> image | 3
    generate; create; draw; design
    illustrations; product photos; logos; concept art; photorealistic portraits; icons
image-editing | Image editing | image, text -> image | 1.5
    edit; retouch; upscale; remove backgrounds from
    photos; product shots; selfies; old pictures; screenshots; illustrations
video-generation | Video generation | text, image -> video | 1.2
    generate; animate; create; produce
    short videos; product ads; animated clips; music videos; explainer videos; b-roll footage
speech-to-text | Speech to text | audio -> text | 1.5
    transcribe; caption; convert to text; subtitle
    podcasts; interviews; phone calls; lectures; voice notes; youtube videos
text-to-speech | Text to speech | text -> audio | 1.2
    narrate; read aloud; voice; turn into audio
    articles; audiobooks; e-learning courses; scripts; notifications; podcast intros
voice-cloning | Voice cloning | audio, text -> audio | 0.6
    clone; recreate; mimic; dub with
    a speaker's voice; brand voices; character voices; narrators; bilingual voices; cartoon voices
music-generation | Music generation | text -> audio | 0.7
    compose; generate; produce; remix
    songs; background music; jingles; loops; lo-fi beats; game soundtracks
translation | Translation | text -> text | 1.2
    translate; localise; convert; adapt
    websites; documents; subtitles; app strings; emails; legal texts
summarization | Summarization | text, file -> text | 1.5
    summarise; condense; digest; outline
    articles; research papers; email threads; reports; news; long documents
embeddings | Embeddings | text -> embedding | 1
    embed; vectorise; cluster; compare
    sentences; documents; product catalogs; support tickets; code snippets; images
retrieval | Retrieval (RAG) | text, file -> text | 1.5
    search; ground answers in; index; retrieve from
    internal docs; knowledge bases; wikis; support articles; notion pages; pdf libraries
web-search | Web search | text -> text | 1
    search; research; look up; monitor
    the web; news; competitors; prices; academic sources; trending topics
browser-automation | Browser automation | text -> text | 0.8
    automate; scrape; fill; navigate
    web forms; websites; checkout flows; dashboards; booking sites; admin panels
workflow-automation | Workflow automation | text -> text | 1.2
    automate; connect; schedule; trigger
    spreadsheets; crm updates; email workflows; slack messages; approvals; data pipelines
local-inference | Local inference | text -> text | 1
    run; serve; host; quantise
    models locally; llms on a laptop; models on a gpu; models offline; phone models; edge models
fine-tuning | Fine-tuning | text, file -> text | 0.8
    fine-tune; train; adapt; distil
    language models; lora adapters; classifiers; chat models; small models; domain models
open-weights | Open weights | text -> text | 1
    download; self-host; inspect; customise
    open models; model weights; base models; instruct models; vision models; coding models
multilingual | Multilingual | text -> text | 0.8
    answer in; write in; support; chat in
    many languages; spanish; japanese; arabic; hindi; german
low-cost | Low cost | text -> text | 1
    process; classify; tag; handle
    millions of requests; bulk documents; high volumes; batch jobs; large datasets; cheap api calls
low-latency | Low latency | text -> text | 0.8
    respond to; stream; power; serve
    live chats; voice agents; autocomplete; real-time apps; games; customer support
privacy | Privacy / self-hosting | text -> text | 0.6
    self-host; keep private; redact; anonymise
    customer data; medical notes; chat logs; internal documents; personal data; source code
mcp | Model Context Protocol | text -> text | 1
    connect; expose; integrate; query
    github; postgres databases; file systems; slack; google drive; jira
data-analysis | Data analysis | file, text -> text, image | 1
    analyse; chart; clean; explore
    spreadsheets; csv files; sales data; survey results; sql tables; financial reports
writing-assistant | Writing assistant | text -> text | 1.2
    proofread; polish; shorten; rephrase
    essays; emails; marketing copy; academic writing; social posts; resumes
meeting-notes | Meeting notes | audio, video -> text | 0.7
    take notes on; summarise; record; extract action items from
    zoom meetings; team calls; sales calls; standups; interviews; webinars
search-engine | Answer engine | text -> text | 0.6
    ask; get cited answers on; research; fact-check
    current events; technical questions; health topics; shopping questions; history; travel
observability | Observability | text -> text | 0.6
    trace; monitor; debug; log
    llm calls; prompt chains; agent runs; token costs; latency spikes; production prompts
evaluation | Evaluation | text -> text | 0.6
    evaluate; benchmark; test; score
    llm outputs; rag pipelines; prompts; chatbots; model versions; agents
"""


def _jobs_parse(table: str) -> dict[str, Job]:
    lines = [line.strip() for line in table.strip().splitlines()]
    jobs = {}
    for head, verbs, objects in zip(lines[::3], lines[1::3], lines[2::3], strict=True):
        slug, name, io, weight = (part.strip() for part in head.split("|"))
        inputs, outputs = (tuple(m.strip() for m in side.split(",")) for side in io.split("->"))
        jobs[slug] = Job(
            name=name,
            verbs=tuple(v.strip() for v in verbs.split(";")),
            objects=tuple(o.strip() for o in objects.split(";")),
            inputs=inputs,
            outputs=outputs,
            weight=float(weight),
        )
    return jobs


JOBS: dict[str, Job] = _jobs_parse(_JOB_TABLE)

TITLE_SUFFIXES = (
    "", "", "", " in real time", " at scale", " with citations", " in one pass", " on device",
    " in bulk", " with fine control", " from a single prompt", " across formats",
    " with speaker labels", " in over 50 languages", " with an api", " for teams",
)  # fmt: skip
METHODS = (
    "It works from a short instruction and needs no setup beyond an API key.",
    "A mixture-of-experts backbone keeps it quick on long inputs.",
    "Results stream back as they are produced, so interfaces stay responsive.",
    "It keeps a running memory of earlier steps within the session.",
    "Batch mode accepts thousands of items in a single job.",
    "Outputs follow a schema you supply, which makes them easy to post-process.",
    "It can run on a single consumer GPU after quantisation.",
    "A plug-in system lets it call your own tools along the way.",
    "Quality settings trade speed for accuracy per request.",
    "Everything runs in the browser, with nothing sent to a server.",
)
CONSTRAINTS = (
    "Inputs are capped at a fixed size per request.",
    "Accuracy drops on very noisy or unusual inputs.",
    "Heavy use is rate limited on the free tier.",
    "It is strongest in English and weaker elsewhere.",
    "Some features are only in the paid plan.",
    "Long jobs are queued and can take minutes.",
)
UNIQUES = (
    "Handles {obj} without a separate preprocessing step.",
    "One of the few tools that can {verb} {obj} offline.",
    "Keeps formatting intact when it works on {obj}.",
    "Exposes every setting through a documented API.",
    "Ships with presets tuned for {obj}.",
    "Charges per result rather than per token.",
)
VERSUS = (
    "Faster than most alternatives on {obj}, slightly less accurate on edge cases.",
    "Cheaper than the big hosted models for {obj}, with less polish.",
    "More configurable than consumer apps, but needs more setup.",
    "Comparable quality to leading tools, with a smaller ecosystem.",
    "Better at {obj} than general chat assistants, narrower overall.",
)
BEST_FOR = (
    "Teams that need to {verb} {obj} every day.",
    "Developers building {job} into their own products.",
    "Solo creators on a budget.",
    "Enterprises with strict data rules.",
    "Researchers comparing approaches to {job}.",
)
LIMITATIONS = (
    "No on-premises option.",
    "Output quality varies with input quality.",
    "Documentation is thin for advanced settings.",
    "Limited control over the underlying model.",
    "Requires an account even for trials.",
)
INTENT_QUALIFIERS = (
    "", "for free", "cheap", "open source", "locally", "with an api", "fast", "for startups",
    "in spanish", "on mac", "for teams", "without signup", "in bulk", "offline", "best quality",
    "for beginners", "privately", "on windows", "for developers", "in real time", "at scale",
    "for students", "with python", "self hosted", "for enterprise", "on mobile",
)  # fmt: skip

CODENAMES = (
    "Aurora", "Basalt", "Cobalt", "Dune", "Ember", "Fjord", "Garnet", "Harbor", "Iris",
    "Juniper", "Kestrel", "Lumen", "Mistral", "Nimbus", "Onyx", "Pillar", "Quartz", "Rook",
    "Sable", "Tundra", "Umber", "Vesper", "Willow", "Xenon", "Yarrow", "Zephyr",
)  # fmt: skip
EDITIONS = ("", "", "Mini", "Pro", "Flash", "Max", "Lite", "Turbo", "Instruct", "Studio")
KIND_WEIGHTS = {
    "model": 30, "api": 10, "app": 20, "agent": 10, "mcp_server": 10, "library": 12,
    "extension": 5, "dataset": 3,
}  # fmt: skip
PRICE_UNITS = {
    "model": ("prompt_token", Decimal("0.00000005"), Decimal("0.00003")),
    "api": ("request", Decimal("0.0005"), Decimal("0.05")),
    "app": ("month", Decimal("5"), Decimal("60")),
    "agent": ("month", Decimal("10"), Decimal("200")),
    "mcp_server": ("month", Decimal("5"), Decimal("40")),
    "library": ("seat", Decimal("5"), Decimal("30")),
    "extension": ("month", Decimal("3"), Decimal("20")),
    "dataset": ("request", Decimal("0.001"), Decimal("0.01")),
}
LICENSES_OPEN = ("Apache-2.0", "MIT", "BSD-3-Clause", "Llama community", "CC-BY-4.0")


@dataclass(frozen=True)
class Sizes:
    artifacts: int = 100_000
    capabilities: int = 1_000_000
    intents: int = 50_000
    events: int = 1_000_000
    # Share of searches after which the searcher chose a result.
    choice_rate: float = 0.08

    @property
    def vendors(self) -> int:
        return max(1, math.ceil(self.artifacts / ARTIFACTS_PER_VENDOR))


@dataclass
class FirstIds:
    """The first primary key of each table: rows are written with explicit ids so that
    relations can be streamed without reading anything back."""

    vendor: int = 1
    artifact: int = 1
    capability: int = 1
    capability_tag: int = 1
    intent: int = 1
    event: int = 1
    event_match: int = 1
    choice: int = 1


def _rng(seed: int, stream: str) -> random.Random:
    return random.Random(f"{seed}:{stream}")


def _ts(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def capability_counts(*, artifacts: int, capabilities: int, seed: int) -> list[int]:
    """How many capabilities each artifact gets: mostly 3-17, a few with 30-60 (the pages
    that need "+N more"), summing to exactly `capabilities` (at least one each)."""
    if artifacts <= 0:
        return []
    if capabilities < artifacts:
        raise ValueError("Every artifact needs at least one capability.")
    rng = _rng(seed, "capability-counts")
    mean = capabilities / artifacts
    counts = []
    for _ in range(artifacts):
        if rng.random() < 0.01:
            counts.append(rng.randint(30, 60))
        else:
            spread = max(1, round(mean * 0.7))
            counts.append(max(1, round(mean) + rng.randint(-spread, spread)))
    # Nudge round-robin towards the exact total; the shape barely changes.
    diff = capabilities - sum(counts)
    index = 0
    while diff:
        step = 1 if diff > 0 else -1
        if counts[index] + step >= 1:
            counts[index] += step
            diff -= step
        index = (index + 1) % artifacts
    return counts


class Zipf:
    """Draws ranks 0..n-1 with weight 1/(r+1)**s, by bisecting the cumulative weights."""

    def __init__(self, *, n: int, exponent: float = ZIPF_EXPONENT) -> None:
        self.cumulative = list(itertools.accumulate(1 / (r + 1) ** exponent for r in range(n)))

    def draw(self, rng: random.Random) -> int:
        return bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])


@dataclass
class SyntheticCatalog:
    """The row streams, in load order. Later streams use what earlier ones recorded
    (capabilities by tag, capability -> artifact), so consume them in order."""

    sizes: Sizes
    seed: int
    tag_ids: dict[str, int]
    first: FirstIds = field(default_factory=FirstIds)

    def __post_init__(self) -> None:
        self.job_slugs = list(JOBS)
        self.job_cumulative = list(itertools.accumulate(JOBS[s].weight for s in JOBS))
        self.artifact_jobs: list[tuple[str, ...]] = []
        self.capability_artifact = array("q")
        self.capability_tag_rows = array("q")  # flattened (capability_id, tag_id) pairs
        self.capabilities_by_job: dict[str, array] = {slug: array("q") for slug in JOBS}
        self.artifact_published: list[bool] = []
        self.intent_matches: list[tuple[int, ...]] = []

    # ---- catalog --------------------------------------------------------------------

    def _job(self, rng: random.Random) -> str:
        pick = rng.random() * self.job_cumulative[-1]
        return self.job_slugs[bisect.bisect(self.job_cumulative, pick)]

    def vendors(self) -> Iterator[dict]:
        created = _ts(ANCHOR - timedelta(days=400))
        for n in range(1, self.sizes.vendors + 1):
            yield {
                "id": self.first.vendor + n - 1,
                "created_at": created,
                "updated_at": created,
                "name": VENDOR_NAME.format(n=n),
                "slug": f"{SLUG_PREFIX}labs-{n}",
                "homepage": f"https://labs-{n}.synthetic.invalid/",
            }

    def artifacts(self) -> Iterator[dict]:
        rng = _rng(self.seed, "artifacts")
        kinds = list(KIND_WEIGHTS)
        kind_weights = list(KIND_WEIGHTS.values())
        for n in range(self.sizes.artifacts):
            kind = rng.choices(kinds, kind_weights)[0]
            jobs = tuple(dict.fromkeys(self._job(rng) for _ in range(rng.randint(1, 3))))
            self.artifact_jobs.append(jobs)
            status = rng.choices(("published", "draft", "archived"), (95, 3, 2))[0]
            self.artifact_published.append(status == "published")
            codename = rng.choice(CODENAMES)
            edition = rng.choice(EDITIONS)
            version = f"{rng.randint(1, 9)}.{rng.randint(0, 9)}"
            name = " ".join(filter(None, ("Syn", codename, version, edition, str(n))))
            slug = f"{SLUG_PREFIX}{codename}-{version.replace('.', '-')}-{edition}-{n}".lower()
            slug = slug.replace("--", "-")
            open_weights = kind in {"model", "library", "dataset"} and rng.random() < 0.3
            pricing = (
                "open_source"
                if open_weights
                else rng.choices(("free", "freemium", "paid"), (15, 35, 50))[0]
            )
            unit, low, high = PRICE_UNITS[kind]
            price = None
            if pricing == "free" or (pricing == "open_source" and rng.random() < 0.6):
                price = Decimal(0)
            elif pricing != "open_source" and rng.random() < 0.85:
                # Log-uniform between the unit's typical bounds, 3 significant digits.
                exponent = rng.uniform(math.log10(low), math.log10(high))
                price = Decimal(f"{10**exponent:.3g}")
            inputs = sorted({m for job in jobs for m in JOBS[job].inputs})
            outputs = sorted({m for job in jobs for m in JOBS[job].outputs})
            released = ANCHOR.date() - timedelta(days=int(rng.expovariate(1 / 300)))
            created = _ts(ANCHOR - timedelta(days=rng.randint(0, 365)))
            popular = rng.lognormvariate(6, 2.2)
            yield {
                "id": self.first.artifact + n,
                "created_at": created,
                "updated_at": created,
                "name": name,
                "slug": slug,
                "kind": kind,
                "status": status,
                "summary": (
                    f"Synthetic {kind.replace('_', ' ')} generated for scale testing; "
                    f"it focuses on {', '.join(JOBS[j].name.lower() for j in jobs)}."
                ),
                "homepage": f"https://{slug}.synthetic.invalid/",
                "docs_url": f"https://{slug}.synthetic.invalid/docs" if rng.random() < 0.6 else "",
                "pricing_model": pricing,
                "has_free_tier": pricing in {"free", "freemium", "open_source"},
                "starting_price": price,
                "price_unit": unit if price is not None else "",
                "prices": {unit: f"{price:f}"} if price is not None else {},
                "open_weights": open_weights,
                "license": rng.choice(LICENSES_OPEN) if open_weights else "proprietary",
                "context_length": (
                    rng.choice((8_192, 32_768, 128_000, 200_000, 1_000_000))
                    if kind in {"model", "api"}
                    else None
                ),
                "input_modalities": _modalities(inputs),
                "output_modalities": _modalities(outputs),
                "release_date": released,
                "last_reviewed_at": (
                    released + timedelta(days=rng.randint(0, 60)) if rng.random() < 0.4 else None
                ),
                "external_source": "",
                "external_id": "",
                "curated_fields": [],
                "needs_review": False,
                "stars": int(popular * rng.uniform(0.5, 3)) if kind != "app" else None,
                "downloads": int(popular * rng.uniform(5, 40)) if rng.random() < 0.5 else None,
                "likes": int(popular * rng.uniform(0.05, 0.3)) if open_weights else None,
                "integrations": int(rng.expovariate(1 / 8)) if rng.random() < 0.7 else None,
                # Every registered score component and its interval: no data until rebuilt.
                **dict.fromkeys((*SCORE_COMPONENTS, *SCORE_INTERVALS)),
                "rank": 0,
                "rank_low": 0,
                "rank_high": 100,
                "rank_provisional": True,
                "job": "",
                "score_evidence": {},
                "times_matched": 0,
                "score_computed_at": None,
                "vendor_id": self.first.vendor + n // ARTIFACTS_PER_VENDOR,
            }

    def capabilities(self) -> Iterator[dict]:
        """Capability rows; records their tags for `capability_tags` and the intents."""
        rng = _rng(self.seed, "capabilities")
        counts = capability_counts(
            artifacts=self.sizes.artifacts, capabilities=self.sizes.capabilities, seed=self.seed
        )
        capability_id = self.first.capability
        for index, count in enumerate(counts):
            artifact_id = self.first.artifact + index
            jobs = self.artifact_jobs[index]
            published = self.artifact_published[index]
            for position in range(count):
                job_slug = rng.choice(jobs) if rng.random() < 0.75 else self._job(rng)
                job = JOBS[job_slug]
                verb, obj = rng.choice(job.verbs), rng.choice(job.objects)
                title = f"{verb} {obj}{rng.choice(TITLE_SUFFIXES)}"
                fill = {"verb": verb, "obj": obj, "job": job.name.lower()}
                self.capability_artifact.append(artifact_id)
                tags = [job_slug]
                if rng.random() < 0.4:
                    tags.append(self._job(rng))
                for tag in dict.fromkeys(tags):
                    self.capability_tag_rows.extend((capability_id, self.tag_ids[tag]))
                status = "published" if rng.random() < 0.97 else "draft"
                if published and status == "published":
                    self.capabilities_by_job[job_slug].append(capability_id)
                created = _ts(ANCHOR - timedelta(days=rng.randint(0, 365)))
                yield {
                    "id": capability_id,
                    "created_at": created,
                    "updated_at": created,
                    "title": title[0].upper() + title[1:],
                    "description": (
                        f"Lets you {verb} {obj} from {_modality_words(job.inputs)} and "
                        f"returns {_modality_words(job.outputs)}. {rng.choice(METHODS)} "
                        f"{rng.choice(CONSTRAINTS)}"
                    ),
                    "unique": rng.choice(UNIQUES).format(**fill) if rng.random() < 0.8 else "",
                    "vs_alternatives": (
                        rng.choice(VERSUS).format(**fill) if rng.random() < 0.7 else ""
                    ),
                    "best_for": rng.choice(BEST_FOR).format(**fill),
                    "limitations": rng.choice(LIMITATIONS),
                    "input_types": _modalities(job.inputs),
                    "output_types": _modalities(job.outputs),
                    "position": position,
                    "status": status,
                    "times_matched": 0,
                    "match_success_rate": None,
                    "artifact_id": artifact_id,
                }
                capability_id += 1

    def capability_tags(self) -> Iterator[dict]:
        rows = self.capability_tag_rows
        for n in range(len(rows) // 2):
            yield {
                "id": self.first.capability_tag + n,
                "capability_id": rows[2 * n],
                "tag_id": rows[2 * n + 1],
            }

    # ---- search history -------------------------------------------------------------

    def intent_texts(self) -> list[tuple[str, str]]:
        """(text as search stores it, job slug) for every intent, most popular first: the
        head is short generic queries, the tail ever more specific ones."""
        rng = _rng(self.seed, "intents")
        wanted = self.sizes.intents
        seen: set[str] = set()
        result: list[tuple[str, str]] = []
        head = [(slug, v, o) for slug, job in JOBS.items() for v in job.verbs for o in job.objects]
        rng.shuffle(head)
        for slug, verb, obj in head:
            if len(result) == wanted:
                return result
            text = intent_normalise(f"{verb} {obj}")
            if text in seen:  # two jobs can share a verb and an object
                continue
            seen.add(text)
            result.append((text, slug))
        attempts = 0
        while len(result) < wanted:
            attempts += 1
            if attempts > wanted * 50:
                raise ValueError(f"Cannot make {wanted} distinct intents from the vocabulary.")
            slug = self._job(rng)
            job = JOBS[slug]
            parts = [rng.choice(job.verbs), rng.choice(job.objects), rng.choice(INTENT_QUALIFIERS)]
            if rng.random() < 0.6:
                parts.append(rng.choice(INTENT_QUALIFIERS))
            text = intent_normalise(" ".join(dict.fromkeys(p for p in parts if p)))
            if text not in seen:
                seen.add(text)
                result.append((text, slug))
        return result

    def intents(self) -> Iterator[dict]:
        """Intent rows; records which capabilities each intent's searches match. Derived
        counters are left at zero for the match-graph rebuild to fill."""
        first_seen = _ts(ANCHOR - timedelta(days=365))
        for n, (text, slug) in enumerate(self.intent_texts()):
            rng = _rng(self.seed, f"intent-{n}")
            pool = self.capabilities_by_job[slug]
            k = min(len(pool), rng.randint(2, 8))
            self.intent_matches.append(tuple(sorted(rng.sample(pool, k))) if k else ())
            yield {
                "id": self.first.intent + n,
                "text": text,
                "example_query": text,
                "is_spam": False,
                "search_count": 0,
                "last_result_count": 0,
                "first_seen": first_seen,
                "last_seen": None,
            }

    def events(self) -> Iterator[tuple[dict, tuple[int, ...], int | None]]:
        """(event row, matched capability ids, chosen artifact id or None), oldest first."""
        rng = _rng(self.seed, "events")
        zipf = Zipf(n=self.sizes.intents)
        total = self.sizes.events
        span = 365 * 86_400
        start = ANCHOR - timedelta(seconds=span)
        for n in range(total):
            rank = zipf.draw(rng)
            matched = self.intent_matches[rank]
            artifacts = {self.capability_artifact[c - self.first.capability] for c in matched}
            moment = start + timedelta(seconds=span * (n + rng.random()) / total)
            chosen = None
            if matched and rng.random() < self.sizes.choice_rate:
                # People mostly click the first result.
                pick = matched[0] if rng.random() < 0.6 else rng.choice(matched)
                chosen = self.capability_artifact[pick - self.first.capability]
            yield (
                {
                    "id": self.first.event + n,
                    "created_at": moment,
                    "client_key": f"{rng.getrandbits(64):016x}",
                    "result_count": len(artifacts),
                    "is_simulated": True,
                    "intent_id": self.first.intent + rank,
                },
                matched,
                chosen,
            )


def _modalities(values) -> str:
    # The stored form of catalog.fields.ModalitiesField (kept here so this module stays pure).
    cleaned = sorted(set(values))
    return f",{','.join(cleaned)}," if cleaned else ""


_MODALITY_WORDS = {
    "text": "text", "image": "images", "audio": "audio", "video": "video", "file": "files",
    "code": "code", "embedding": "embeddings",
}  # fmt: skip


def _modality_words(values: tuple[str, ...]) -> str:
    words = [_MODALITY_WORDS[v] for v in values]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"

import functools
import operator
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from catalog.choices import (
    ArtifactKind,
    CapabilityQuantity,
    EvaluationSource,
    ModelJob,
    PriceUnit,
    PricingModel,
    Status,
    UsageMetric,
)
from catalog.fields import ModalitiesField, modality_lookup
from catalog.ranking import REGISTRY
from config.paths import path_reverse

SCORE_COMPONENTS = tuple(c.name for c in REGISTRY)
# Components stored with the interval they are known to: <name>_low, <name>_high.
SCORE_INTERVALS = tuple(
    f"{c.name}_{end}" for c in REGISTRY if c.interval for end in ("low", "high")
)


PRICE_VARIES = "varies"
# Importing sources (Artifact.external_source) by the name visitors know them by.
SOURCE_NAMES = {"openrouter": "OpenRouter", "ai-tools": "the AI tools catalog"}


def _unit_interval_or_null(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": 1}),
        name=f"%(class)s_{field}_in_unit_interval",
    )


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class DerivedFieldsKept(models.Model):
    """A model some of whose fields only set-based services write: the score recompute
    (catalog.services) and the match-graph rebuild (comparisons/search/matchgraph.py).

    A save() that updates a row without naming its fields (an editor's form, a history
    revert, a script with an instance loaded earlier) leaves those fields as stored and
    reads them into the instance (so its history record shows them too): writing back the
    values it loaded would undo a recompute or a rebuild that committed in between, and
    an incremental rebuild, which adds onto the stored counters and reads again only the
    rows the journal names, would never set them right. A save that names the fields
    writes them; a new row gets every value it is given."""

    DERIVED_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    def save(self, **kwargs: Any) -> None:
        if kwargs.get("update_fields") is None and not kwargs.get("force_insert") and self.pk:
            rows = type(self)._base_manager.using(kwargs.get("using")).filter(pk=self.pk)
            stored = rows.values(*self.DERIVED_FIELDS).first()
            if stored is not None:
                for name, value in stored.items():
                    setattr(self, name, value)
                kwargs["update_fields"] = [
                    field.name
                    for field in self._meta.concrete_fields
                    if not field.primary_key and field.name not in self.DERIVED_FIELDS
                ]
        super().save(**kwargs)


def _abstract(name: str, fields: dict) -> type[models.Model]:
    """An abstract model holding fields generated from the score registry."""
    meta = type("Meta", (), {"abstract": True})
    return type(name, (models.Model,), {"__module__": __name__, "Meta": meta, **fields})


# Derived: one nullable column per registered component (NULL = no data), plus its interval.
ScoreComponentFields = _abstract(
    "ScoreComponentFields",
    {
        **{name: models.FloatField(null=True, blank=True) for name in SCORE_COMPONENTS},
        **{name: models.FloatField(null=True, blank=True) for name in SCORE_INTERVALS},
    },
)
# Editor-set: one weight per registered component, defaulting to the registry's.
ComponentWeightFields = _abstract(
    "ComponentWeightFields",
    {c.name: models.FloatField(default=c.default_weight) for c in REGISTRY},
)


class Vendor(Timestamped):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    homepage = models.URLField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="vendor_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(Timestamped):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="tag_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


def listed_q(prefix: str = "") -> Q:
    """Artifacts their source still lists, or that an editor kept although delisted, as a
    condition on the artifact at `prefix` ("" for Artifact itself, "artifact_a__" through a
    relation): what suggestions, featured lists and the sitemaps may show."""
    return Q(**{f"{prefix}delisted_at__isnull": True}) | Q(**{f"{prefix}delisting_kept": True})


class ArtifactQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def with_input(self, modality: str):
        return self.filter(input_modalities__contains=modality_lookup(modality))

    def with_output(self, modality: str):
        return self.filter(output_modalities__contains=modality_lookup(modality))

    def by_rank(self):
        """Highest rank first; a provisional rank after a confident one of the same value."""
        return self.order_by("-rank", "rank_provisional", "name")

    def listed(self):
        """Without artifacts their source stopped listing, unless an editor kept them: what
        suggestions, featured lists and the sitemap may show."""
        return self.filter(listed_q())

    def for_cards(self):
        """What a list card shows, in one query plus one prefetch."""
        return self.select_related("vendor")


class Artifact(DerivedFieldsKept, ScoreComponentFields, Timestamped):  # type: ignore[misc, valid-type]
    # Written by score recomputes and match-graph rebuilds alone (DerivedFieldsKept).
    DERIVED_FIELDS = (
        *SCORE_COMPONENTS,
        *SCORE_INTERVALS,
        "rank",
        "rank_low",
        "rank_high",
        "rank_provisional",
        "score_evidence",
        "times_matched",
        "score_computed_at",
    )

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    # No index of its own: artifact_vendor_status leads with it, and every index costs each
    # rewritten row (the match graph's rank updates rewrite thousands: BENCHMARKS.md).
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="artifacts", db_index=False
    )
    kind = models.CharField(max_length=20, choices=ArtifactKind.choices, default=ArtifactKind.MODEL)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(blank=True)
    homepage = models.URLField(blank=True)
    docs_url = models.URLField("documentation", blank=True)

    pricing_model = models.CharField(
        max_length=12, choices=PricingModel.choices, default=PricingModel.PAID
    )
    has_free_tier = models.BooleanField(default=False)
    # Unknown is NULL and is never shown as free; zero means "costs nothing".
    starting_price = models.DecimalField(
        max_digits=20, decimal_places=12, null=True, blank=True, help_text="US dollars per unit."
    )
    price_unit = models.CharField(max_length=20, choices=PriceUnit.choices, blank=True)
    # Every price an import found, by unit (e.g. {"prompt_token": "0.000000065"}): the source's
    # full price list, of which starting_price is the headline. "varies" is set per request.
    prices = models.JSONField(default=dict, blank=True)
    open_weights = models.BooleanField(default=False)
    license = models.CharField(max_length=80, blank=True)
    context_length = models.PositiveIntegerField(null=True, blank=True, help_text="Tokens.")
    input_modalities = ModalitiesField()
    output_modalities = ModalitiesField()
    release_date = models.DateField(null=True, blank=True)
    last_reviewed_at = models.DateField(null=True, blank=True)

    # Idempotent imports key on (external_source, external_id).
    external_source = models.CharField(max_length=40, blank=True)
    external_id = models.CharField(max_length=200, blank=True)
    # Fields an editor changed in admin; importers never overwrite these.
    curated_fields = models.JSONField(default=list, blank=True)
    needs_review = models.BooleanField(
        default=False, help_text="Set by an import when the source no longer lists it."
    )
    # The day an import found the source no longer listing it (NULL: listed, or never
    # imported). Such an artifact leaves suggestions, featured lists and the sitemap until
    # an editor keeps it.
    delisted_at = models.DateField(
        null=True, blank=True, help_text="The day the source stopped listing it."
    )
    delisting_kept = models.BooleanField(
        "keep although delisted",
        default=False,
        help_text="Keep it in suggestions, featured lists and the sitemap although the source "
        "stopped listing it.",
    )
    prices_unclear = models.BooleanField(
        default=False,
        help_text="Set by an import when a source price is implausible for its declared unit: "
        "shown as 'unit unclear' until an editor checks it.",
    )

    # Model facts as the source states them; NULL or blank is "the source says nothing".
    # Prices are US dollars per one unit, exactly as the source gives them.
    max_output_tokens = models.PositiveIntegerField(
        null=True, blank=True, help_text="Tokens one reply can hold at most."
    )
    input_price = models.DecimalField(
        max_digits=40, decimal_places=28, null=True, blank=True,
        help_text="US dollars per input (prompt) token.",
    )  # fmt: skip
    output_price = models.DecimalField(
        max_digits=40, decimal_places=28, null=True, blank=True,
        help_text="US dollars per output (completion) token.",
    )  # fmt: skip
    cache_read_price = models.DecimalField(
        max_digits=40, decimal_places=28, null=True, blank=True,
        help_text="US dollars per input token read from the prompt cache.",
    )  # fmt: skip
    web_search_price = models.DecimalField(
        max_digits=40, decimal_places=28, null=True, blank=True,
        help_text="US dollars per web search.",
    )  # fmt: skip
    knowledge_cutoff = models.DateField(null=True, blank=True)
    weights_url = models.URLField(
        "open weights link",
        max_length=300,
        blank=True,
        help_text="Where the weights are published.",
    )
    supports_tools = models.BooleanField(null=True, blank=True)
    supports_structured_output = models.BooleanField(null=True, blank=True)
    supports_reasoning = models.BooleanField(null=True, blank=True)
    supports_web_search = models.BooleanField(null=True, blank=True)

    # Raw popularity inputs.
    stars = models.PositiveBigIntegerField(null=True, blank=True)
    downloads = models.PositiveBigIntegerField(null=True, blank=True)
    likes = models.PositiveBigIntegerField(null=True, blank=True)
    integrations = models.PositiveIntegerField(null=True, blank=True)

    # For models, the job its rank is compared within (text, image, speech...). Inferred
    # from the modalities on every recompute unless an editor set it.
    job = models.CharField(max_length=20, choices=ModelJob.choices, blank=True)

    # Derived: the score components live in ScoreComponentFields; the rank over the known
    # ones, its range if every unknown were 0 or 1, whether under half the weight is known.
    rank = models.PositiveSmallIntegerField(default=0)
    rank_low = models.PositiveSmallIntegerField(default=0)
    rank_high = models.PositiveSmallIntegerField(default=100)
    rank_provisional = models.BooleanField(default=True)
    # Where each known input came from, as shown next to the score (source, figure, date):
    # {"quality": {"source": "LMArena", "board": "text", "rating": 1464.1, ...},
    #  "adoption": [{"metric": "weekly_users", "value": 8e8, "as_of": "...", "url": "..."}]}
    score_evidence = models.JSONField(default=dict, blank=True)
    times_matched = models.PositiveIntegerField(default=0)
    score_computed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["score_computed_at"])

    objects = ArtifactQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(slug="") & ~Q(slug__contains="-vs-"),
                name="artifact_slug_never_contains_vs",
            ),
            models.CheckConstraint(
                condition=Q(starting_price__isnull=True) | Q(starting_price__gte=0),
                name="artifact_price_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(starting_price__isnull=True) & Q(price_unit=""))
                | (Q(starting_price__isnull=False) & ~Q(price_unit="")),
                name="artifact_price_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=0) & Q(rank__lte=100), name="artifact_rank_0_100"
            ),
            *[_unit_interval_or_null(name) for name in (*SCORE_COMPONENTS, *SCORE_INTERVALS)],
            models.CheckConstraint(
                condition=Q(rank_low__lte=models.F("rank"))
                & Q(rank__lte=models.F("rank_high"))
                & Q(rank_high__lte=100),
                name="artifact_rank_within_range",
            ),
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~Q(external_id=""),
                name="artifact_unique_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-rank"], name="artifact_status_rank"),
            models.Index(fields=["status", "kind", "-rank"], name="artifact_status_kind_rank"),
            # None on times_matched: the match-graph rebuild rewrites it on about 15,000
            # artifacts per 10,000 searches, and an indexed column that changes makes every
            # such update write a new entry in every index (the GIN name index included);
            # without one, most of them are heap-only: 0.98 s to 0.44 s for 14,000 rows on
            # the 100k catalog (BENCHMARKS.md). Its sort reads the browse snapshot; the SQL
            # that builds the snapshot sorts every artifact anyway.
            models.Index(fields=["status", "price_unit", "starting_price"], name="artifact_price"),
            models.Index(fields=["status", "-release_date"], name="artifact_status_released"),
            models.Index(fields=["vendor", "status"], name="artifact_vendor_status"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return path_reverse("artifact_detail", slug=self.slug)

    @property
    def open_weights_status(self) -> bool | None:
        """True when the weights are published; False when known not to be (a licence is
        on record, as editors and the demo data give it); None when no source says: an
        OpenRouter record without a Hugging Face id may still be an open model."""
        if self.open_weights:
            return True
        return False if self.license else None

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_listed(self) -> bool:
        """Its source still lists it, or an editor kept it (as ArtifactQuerySet.listed)."""
        return self.delisted_at is None or self.delisting_kept

    @property
    def external_source_name(self) -> str:
        """The importing source as visitors know it ("OpenRouter"); "the source" if unknown."""
        return SOURCE_NAMES.get(self.external_source, "the source")

    @property
    def price_varies(self) -> bool:
        """The source prices it per request (a router, say): not free, and no fixed figure."""
        return PRICE_VARIES in (self.prices or {}).values()


class ArtifactPrice(models.Model):
    """One price the source lists for an artifact, in the unit it is charged in.

    `unit` is one of catalog.pricing.PRICE_UNIT_DECLARATIONS. `amount` is US dollars per
    one unit, exactly as the source gives it; NULL means the price varies per request.
    A tier row (`min_prompt_tokens` > 0) applies to requests of at least that many prompt
    tokens ("$5.00 above 272K"). `unit_clear` is False when the amount is implausible for
    its unit and the artifact's modalities: it is shown as "unit unclear", never converted.
    """

    artifact = models.ForeignKey(Artifact, on_delete=models.CASCADE, related_name="price_rows")
    key = models.CharField(max_length=40, help_text="The source's name for this price.")
    unit = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=40, decimal_places=28, null=True, blank=True)
    min_prompt_tokens = models.PositiveIntegerField(default=0)
    unit_clear = models.BooleanField(default=True)

    class Meta:
        ordering = ["artifact", "min_prompt_tokens", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["artifact", "key", "min_prompt_tokens"], name="artifactprice_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="artifactprice_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.amount} per {self.unit}"


class CapabilityQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


class Capability(DerivedFieldsKept, Timestamped):
    # Written by match-graph rebuilds alone (DerivedFieldsKept).
    DERIVED_FIELDS = ("times_matched", "match_success_rate")

    artifact = models.ForeignKey(Artifact, on_delete=models.CASCADE, related_name="capabilities")
    title = models.CharField(max_length=200)
    description = models.TextField()
    unique = models.TextField("unique", blank=True)
    vs_alternatives = models.TextField("vs alternatives", blank=True)
    best_for = models.TextField(blank=True)
    limitations = models.TextField(blank=True)
    input_types = ModalitiesField()
    output_types = ModalitiesField()
    tags = models.ManyToManyField(Tag, blank=True, related_name="capabilities")
    # Capabilities of other artifacts an editor says answer the same job as this one: a
    # comparison then puts the two on one "both" row, whatever their tags and titles.
    # Symmetric (linking A to B links B to A); stored both ways in CapabilitySameJob.
    same_job_as = models.ManyToManyField(
        "self",
        through="CapabilitySameJob",
        symmetrical=True,
        blank=True,
        verbose_name="same job as",
        help_text="Capabilities of other artifacts that answer the same job: comparisons "
        "show them side by side as “both”. Ids, separated by commas (the lookup finds them).",
    )
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=12,
        choices=[(Status.DRAFT, "Draft"), (Status.PUBLISHED, "Published")],
        default=Status.PUBLISHED,
    )

    # The number the capability rests on ("reads up to 1,050,000 tokens"), in a declared
    # unit (CapabilityQuantity); NULL when it has none.
    quantity = models.DecimalField(max_digits=40, decimal_places=28, null=True, blank=True)
    quantity_unit = models.CharField(max_length=40, choices=CapabilityQuantity.choices, blank=True)
    # Claims computed from the catalog (catalog.claims); the editors' `unique` and
    # `vs_alternatives` win over them. `computed_basis` holds the numbers behind them.
    computed_unique = models.TextField(blank=True)
    computed_vs_alternatives = models.TextField(blank=True)
    computed_basis = models.TextField("how we know", blank=True)

    # Derived from the match graph.
    times_matched = models.PositiveIntegerField(default=0)
    match_success_rate = models.FloatField(null=True, blank=True)

    # Computed claims change with the rest of the catalog: they are not edits to record.
    history = HistoricalRecords(
        m2m_fields=[tags],
        excluded_fields=["computed_unique", "computed_vs_alternatives", "computed_basis"],
    )

    objects = CapabilityQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "capabilities"
        constraints = [
            _unit_interval_or_null("match_success_rate"),
            models.CheckConstraint(condition=~Q(title=""), name="capability_title_not_empty"),
        ]
        indexes = [
            models.Index(fields=["artifact", "status", "position"], name="capability_order"),
            # Search reads the published capabilities (and their tags) of a few thousand
            # artifacts at once: from this index alone, without visiting the table (2.4 s
            # cold, 0.18 s warm, to 0.09 s at 100,000 artifacts; BENCHMARKS.md).
            models.Index(
                fields=["artifact", "id"],
                condition=Q(status=Status.PUBLISHED),
                name="capability_published_ids",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def unique_text(self) -> str:
        """The editors' "unique" line, else the one computed from the catalog."""
        return self.unique or self.computed_unique

    @property
    def vs_alternatives_text(self) -> str:
        """The editors' "vs alternatives" line, else the one computed from the catalog."""
        return self.vs_alternatives or self.computed_vs_alternatives

    @property
    def claims_basis(self) -> str:
        """The "how we know" note of the computed lines; empty when editors wrote both."""
        if self.unique and self.vs_alternatives:
            return ""
        return self.computed_basis


class CapabilitySameJob(models.Model):
    """One direction of an editor's "same job" link between two capabilities (Capability.
    same_job_as writes both directions). Never a capability with itself, never twice."""

    from_capability = models.ForeignKey(Capability, on_delete=models.CASCADE, related_name="+")
    to_capability = models.ForeignKey(Capability, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "same-job link"
        constraints = [
            models.UniqueConstraint(
                fields=["from_capability", "to_capability"], name="capability_same_job_once"
            ),
            models.CheckConstraint(
                condition=~Q(from_capability=models.F("to_capability")),
                name="capability_same_job_not_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_capability_id} = {self.to_capability_id}"


class RankWeights(ComponentWeightFields, Timestamped):  # type: ignore[misc, valid-type]
    """The weight of each score component for one artifact kind (editable in admin)."""

    kind = models.CharField(max_length=20, choices=ArtifactKind.choices, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        verbose_name = "rank weights"
        verbose_name_plural = "rank weights"
        constraints = [
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{c}__gte": 0}), name=f"rankweights_{c}_not_negative"
                )
                for c in SCORE_COMPONENTS
            ],
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.or_, [Q(**{f"{c}__gt": 0}) for c in SCORE_COMPONENTS]
                ),
                name="rankweights_some_weight_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Weights for {self.get_kind_display()}"


class Evaluation(Timestamped):
    """One entry of a public leaderboard as published: a rating with its 95% interval and
    the entry's position on its board. `artifact` is the catalog entry the key was linked
    to (by normalised name, version and date, or an editor's alias); NULL = not linked."""

    source = models.CharField(max_length=20, choices=EvaluationSource.choices)
    board = models.CharField(max_length=20, help_text="text, vision or image")
    category = models.CharField(max_length=80, help_text="full (overall), coding, ...")
    key = models.CharField(max_length=200, help_text="The leaderboard's own model key.")
    rating = models.FloatField()
    rating_low = models.FloatField(help_text="Lower bound of the 95% interval.")
    rating_high = models.FloatField(help_text="Upper bound of the 95% interval.")
    position = models.FloatField(help_text="Share of the board's other entries rated lower.")
    position_low = models.FloatField()
    position_high = models.FloatField()
    board_size = models.PositiveIntegerField()
    published_on = models.DateField(help_text="The date of the leaderboard's data.")
    source_url = models.URLField(blank=True)
    artifact = models.ForeignKey(
        Artifact, null=True, blank=True, on_delete=models.SET_NULL, related_name="evaluations"
    )

    class Meta:
        ordering = ["source", "board", "category", "-rating"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "board", "category", "key"], name="evaluation_unique_entry"
            ),
            *[_unit_interval_or_null(f) for f in ("position", "position_low", "position_high")],
            models.CheckConstraint(
                condition=Q(rating_low__lte=models.F("rating"))
                & Q(rating__lte=models.F("rating_high")),
                name="evaluation_rating_within_interval",
            ),
        ]
        indexes = [
            models.Index(fields=["artifact", "board", "category"], name="evaluation_artifact")
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.board}/{self.category}: {self.key}"


class EvaluationAlias(Timestamped):
    """An editor's link from a leaderboard key to an artifact; it wins over the automatic
    match. An alias with no artifact says "this key is none of ours" (never linked)."""

    source = models.CharField(
        max_length=20, choices=EvaluationSource.choices, default=EvaluationSource.LMARENA
    )
    key = models.CharField(max_length=200)
    artifact = models.ForeignKey(
        Artifact,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evaluation_aliases",
        help_text="Leave empty to keep this key linked to nothing.",
    )
    note = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "key"]
        verbose_name_plural = "evaluation aliases"
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="evaluationalias_unique_key"),
            models.CheckConstraint(condition=~Q(key=""), name="evaluationalias_key_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.key} -> {self.artifact or 'no artifact'}"


class UsageFact(Timestamped):
    """A published usage figure an editor recorded, with where and when it was published.
    The latest figure per metric is one adoption signal."""

    artifact = models.ForeignKey(Artifact, on_delete=models.CASCADE, related_name="usage_facts")
    metric = models.CharField(max_length=20, choices=UsageMetric.choices)
    value = models.FloatField()
    as_of = models.DateField(help_text="The date the figure was published for.")
    source_url = models.URLField(help_text="Where the figure was published.")
    note = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["artifact", "metric", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["artifact", "metric", "as_of"], name="usagefact_unique_per_date"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="usagefact_value_not_negative"),
            models.CheckConstraint(condition=~Q(source_url=""), name="usagefact_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.artifact}: {self.value:g} {self.get_metric_display()} ({self.as_of})"


class CatalogChange(models.Model):
    """One entry of the change journal (catalog/journal.py): a committed catalog write
    touched this artifact (scope "artifact", or "row" when it changed none of its search
    documents nor whether they count), or something wider (scope "ranks", "tags" or "all",
    artifact_id empty). Written in the same transaction as the write it records."""

    scope = models.CharField(max_length=8)
    # Not a foreign key: a deleted artifact is recorded too.
    artifact_id = models.BigIntegerField(null=True)
    # PostgreSQL's transaction id (xid8) of the write: a reader's position in the journal is
    # a transaction snapshot there, because ids are handed out before commit (journal.py).
    transaction_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["transaction_id"], name="catalogchange_transaction"),
            models.Index(fields=["created_at"], name="catalogchange_created"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.artifact_id or ''}".strip()

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from catalog.fields import ModalitiesField, modality_lookup

SCORE_COMPONENTS = ("adoption", "quality", "ecosystem", "match_graph", "freshness")


class ArtifactKind(models.TextChoices):
    MODEL = "model", "Model"
    API = "api", "API"
    APP = "app", "App"
    AGENT = "agent", "Agent"
    MCP_SERVER = "mcp_server", "MCP server"
    LIBRARY = "library", "Library"
    EXTENSION = "extension", "Extension"
    DATASET = "dataset", "Dataset"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class PricingModel(models.TextChoices):
    FREE = "free", "Free"
    FREEMIUM = "freemium", "Freemium"
    PAID = "paid", "Paid"
    OPEN_SOURCE = "open_source", "Open source"
    # The source lists no usable price (every price 0 without being a free variant, or
    # only prices whose unit is unclear): neither free nor paid until a source or an
    # editor says otherwise.
    UNKNOWN = "unknown", "Price unknown"


PRICE_VARIES = "varies"
# Importing sources (Artifact.external_source) by the name visitors know them by.
SOURCE_NAMES = {"openrouter": "OpenRouter", "ai-tools": "the AI tools catalog"}


class PriceUnit(models.TextChoices):
    PROMPT_TOKEN = "prompt_token", "prompt token"
    COMPLETION_TOKEN = "completion_token", "completion token"
    IMAGE = "image", "image"
    SECOND = "second", "second"
    REQUEST = "request", "request"
    MONTH = "month", "month"
    SEAT = "seat", "seat"
    # Image generators bill the tokens of the picture they return, not the picture.
    OUTPUT_IMAGE_TOKEN = "output_image_token", "output image token"


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


class ArtifactQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def with_input(self, modality: str):
        return self.filter(input_modalities__contains=modality_lookup(modality))

    def with_output(self, modality: str):
        return self.filter(output_modalities__contains=modality_lookup(modality))

    def by_rank(self):
        return self.order_by("-rank", "name")

    def listed(self):
        """Without artifacts their source stopped listing, unless an editor kept them: what
        suggestions, featured lists and the sitemap may show."""
        return self.exclude(delisted_at__isnull=False, delisting_kept=False)

    def for_cards(self):
        """What a list card shows, in one query plus one prefetch."""
        return self.select_related("vendor")


class Artifact(Timestamped):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="artifacts")
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

    # Derived: the score components (NULL = no data), the rank, the match counter.
    adoption = models.FloatField(null=True, blank=True)
    quality = models.FloatField(null=True, blank=True)
    ecosystem = models.FloatField(null=True, blank=True)
    match_graph = models.FloatField(null=True, blank=True)
    freshness = models.FloatField(null=True, blank=True)
    rank = models.PositiveSmallIntegerField(default=0)
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
            *[_unit_interval_or_null(component) for component in SCORE_COMPONENTS],
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~Q(external_id=""),
                name="artifact_unique_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-rank"], name="artifact_status_rank"),
            models.Index(fields=["status", "kind", "-rank"], name="artifact_status_kind_rank"),
            models.Index(fields=["status", "-times_matched"], name="artifact_status_matched"),
            models.Index(fields=["status", "price_unit", "starting_price"], name="artifact_price"),
            models.Index(fields=["status", "-release_date"], name="artifact_status_released"),
            models.Index(fields=["vendor", "status"], name="artifact_vendor_status"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("artifact_detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

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


class CapabilityQuantity(models.TextChoices):
    CONTEXT_TOKENS = "context_tokens", "tokens read in one request"
    OUTPUT_TOKENS = "output_tokens", "tokens returned in one reply"
    INPUT_TOKEN_PRICE = "input_token_price", "US dollars per input token"
    OUTPUT_IMAGE_TOKEN_PRICE = "output_image_token_price", "US dollars per output image token"
    WEB_SEARCH_PRICE = "web_search_price", "US dollars per web search"


class CapabilityQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


class Capability(Timestamped):
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
        indexes = [models.Index(fields=["artifact", "status", "position"], name="capability_order")]

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


class RankWeights(Timestamped):
    """The weight of each score component for one artifact kind (editable in admin)."""

    kind = models.CharField(max_length=20, choices=ArtifactKind.choices, unique=True)
    adoption = models.FloatField(default=0.25)
    quality = models.FloatField(default=0.25)
    ecosystem = models.FloatField(default=0.10)
    match_graph = models.FloatField(default=0.25)
    freshness = models.FloatField(default=0.15)

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
                condition=Q(adoption__gt=0)
                | Q(quality__gt=0)
                | Q(ecosystem__gt=0)
                | Q(match_graph__gt=0)
                | Q(freshness__gt=0),
                name="rankweights_some_weight_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Weights for {self.get_kind_display()}"

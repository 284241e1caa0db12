from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from catalog.models import Artifact, Capability


class Intent(models.Model):
    """A normalised search query: one node of the match graph."""

    text = models.CharField(max_length=300, unique=True)
    example_query = models.CharField(max_length=300, blank=True, help_text="As first typed.")
    is_spam = models.BooleanField(default=False, help_text="Spam intents stop counting.")
    # Derived by the rebuild.
    search_count = models.PositiveIntegerField(default=0)
    last_result_count = models.PositiveIntegerField(default=0)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-search_count", "text"]
        indexes = [models.Index(fields=["-search_count"], name="intent_popular")]

    def __str__(self) -> str:
        return self.text


class SearchEvent(models.Model):
    """One search as it happened: the source of truth every counter is rebuilt from."""

    intent = models.ForeignKey(Intent, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(db_index=True)
    client_key = models.CharField(max_length=64, help_text="Keyed hash; never a raw address.")
    result_count = models.PositiveIntegerField(default=0)
    matched_capabilities = models.ManyToManyField(
        Capability, blank=True, related_name="search_events"
    )
    is_simulated = models.BooleanField(default=False, help_text="Replayed demo history.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["intent", "client_key", "-created_at"], name="event_dedup"),
            # The per-client hourly cap (comparisons/search/evidence.py).
            models.Index(fields=["client_key", "-created_at"], name="event_client_recent"),
            # "Has any real search been recorded?" (evidence labels): one probe, not a scan.
            models.Index(fields=["id"], condition=Q(is_simulated=False), name="event_real"),
        ]

    def __str__(self) -> str:
        return f"{self.intent} @ {self.created_at:%Y-%m-%d %H:%M}"


class ChoiceEvent(models.Model):
    """A searcher chose a result (clicked through) for an intent."""

    intent = models.ForeignKey(Intent, on_delete=models.CASCADE, related_name="choices")
    artifact = models.ForeignKey(Artifact, on_delete=models.CASCADE, related_name="choices")
    created_at = models.DateTimeField(db_index=True)
    client_key = models.CharField(max_length=64)
    is_simulated = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["intent", "client_key", "artifact", "-created_at"], name="choice_dedup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.intent} -> {self.artifact_id}"


class Match(models.Model):
    """Derived: how often a capability matched an intent and was chosen for it."""

    intent = models.ForeignKey(Intent, on_delete=models.CASCADE, related_name="matches")
    capability = models.ForeignKey(Capability, on_delete=models.CASCADE, related_name="matches")
    times_matched = models.PositiveIntegerField(default=0)
    times_chosen = models.PositiveIntegerField(default=0)
    last_seen = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "matches"
        constraints = [
            models.UniqueConstraint(fields=["intent", "capability"], name="match_unique_pair"),
            models.CheckConstraint(
                condition=Q(times_chosen__lte=F("times_matched")), name="match_chosen_le_matched"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intent} x {self.capability_id}"


class PairEvidence(models.Model):
    """Derived: an intent in which both artifacts of a pair were matched."""

    artifact_a = models.ForeignKey(Artifact, on_delete=models.CASCADE, related_name="+")
    artifact_b = models.ForeignKey(Artifact, on_delete=models.CASCADE, related_name="+")
    intent = models.ForeignKey(Intent, on_delete=models.CASCADE, related_name="pair_evidence")
    times_both_matched = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "pair evidence"
        constraints = [
            models.UniqueConstraint(
                fields=["artifact_a", "artifact_b", "intent"], name="pair_evidence_unique"
            ),
            # One row per unordered pair: the lower id always comes first.
            models.CheckConstraint(
                condition=Q(artifact_a__lt=F("artifact_b")), name="pair_evidence_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.artifact_a_id} & {self.artifact_b_id} in {self.intent}"


class SearchDocument(models.Model):
    """The searchable text of one capability, kept by database triggers (see search/index.py).

    Unmanaged: the table is created per database vendor by migration 0003 (a generated
    tsvector on PostgreSQL, an FTS5 external-content index on SQLite). Django never writes it.
    """

    capability = models.OneToOneField(
        Capability,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    artifact = models.ForeignKey(
        Artifact, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    title = models.TextField()
    tags = models.TextField()
    description = models.TextField()
    extra = models.TextField()

    class Meta:
        managed = False
        db_table = "comparisons_searchdocument"

    def __str__(self) -> str:
        return self.title


class ComparisonOverride(models.Model):
    """An editor's say on one pair: own verdict, approval, featuring, noindex."""

    artifact_a = models.ForeignKey(Artifact, on_delete=models.CASCADE, related_name="+")
    artifact_b = models.ForeignKey(Artifact, on_delete=models.CASCADE, related_name="+")
    verdict = models.TextField(blank=True, help_text="Replaces the generated verdict when set.")
    approved = models.BooleanField(
        default=True, help_text="Approved pairs are listed and put in the sitemap."
    )
    featured = models.BooleanField(default=False)
    noindex = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["artifact_a", "artifact_b"], name="override_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(artifact_a=F("artifact_b")), name="override_two_artifacts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.artifact_a} vs {self.artifact_b}"


# ---- match-graph rebuild state (comparisons/search/matchgraph.py) ------------------------
# Private to the rebuild: what it has counted so far, so that a run can fold in only the
# events since the last one. Live counters (search/evidence.py) move the public tables
# between runs, so the public tables cannot serve as that base. Plain integer columns, no
# foreign keys: the rebuild itself verifies what they point to, and a full rebuild rewrites
# them from the events.


class MatchGraphState(models.Model):
    """Where the last rebuild stopped (one row): the highest event ids it folded in, and
    what it checks before folding more in (see matchgraph.py, `_base_intact`)."""

    search_event_id = models.BigIntegerField(default=0)
    choice_event_id = models.BigIntegerField(default=0)
    # Events at or below those ids when they were folded in: fewer now means some were
    # deleted, and only a full rebuild can take them back out.
    search_events = models.BigIntegerField(default=0)
    choice_events = models.BigIntegerField(default=0)
    # sha256 of the ids of the intents marked as spam when the tallies were made.
    spam = models.CharField(max_length=64, default="")
    rebuilt_at = models.DateTimeField(null=True)
    full_rebuilt_at = models.DateTimeField(null=True)
    # catalog.journal.JournalMark, taken by the last run before it read any capability:
    # the next run asks the journal which artifacts changed since, and checks only their
    # tallies for capabilities that were deleted or moved (no mark: every tally).
    mark_last_id = models.BigIntegerField(null=True)
    mark_snapshot = models.TextField(blank=True, default="")
    mark_own = models.BigIntegerField(default=-1)
    marked_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"match graph up to search event {self.search_event_id}"


class IntentTally(models.Model):
    """Every search event of one intent (spam included), up to the state's watermark."""

    intent_id = models.BigIntegerField(primary_key=True)
    events = models.BigIntegerField(default=0)
    last_seen = models.DateTimeField()
    # The latest event by (created_at, id): its result count is the intent's last one.
    last_event_id = models.BigIntegerField()
    last_result_count = models.PositiveIntegerField(default=0)
    # The intent's edge weights summed (matches + CHOICE_WEIGHT x capped choices): what its
    # searches are shared out by in the flow (0 for spam and for intents nothing matched).
    weight = models.BigIntegerField(db_default=0)

    def __str__(self) -> str:
        return f"intent {self.intent_id}: {self.events} events"


class FlowTally(models.Model):
    """An artifact's unnormalised flow in the match graph (matchgraph.match_graph_compute),
    as the last rebuild left it; only artifacts some counted search reached have a row."""

    artifact_id = models.BigIntegerField(primary_key=True)
    flow = models.FloatField()

    def __str__(self) -> str:
        return f"artifact {self.artifact_id}: flow {self.flow}"


class MatchTally(models.Model):
    """Counted (non-spam) searches of an intent that matched a capability."""

    intent_id = models.BigIntegerField()
    capability_id = models.BigIntegerField()
    artifact_id = models.BigIntegerField(help_text="The capability's artifact when counted.")
    matched = models.BigIntegerField(default=0)
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["intent_id", "capability_id"], name="tally_match")
        ]
        indexes = [
            models.Index(fields=["intent_id", "artifact_id"], name="tally_match_artifact"),
            models.Index(fields=["capability_id"], name="tally_match_capability"),
            # The incremental flow step reads every tally of the artifacts it recomputes.
            models.Index(fields=["artifact_id"], name="tally_match_by_artifact"),
        ]

    def __str__(self) -> str:
        return f"intent {self.intent_id} x capability {self.capability_id}: {self.matched}"


class ChoiceTally(models.Model):
    """Counted (non-spam) choices of an artifact for an intent, uncapped."""

    intent_id = models.BigIntegerField()
    artifact_id = models.BigIntegerField()
    chosen = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["intent_id", "artifact_id"], name="tally_choice")
        ]

    def __str__(self) -> str:
        return f"intent {self.intent_id} chose artifact {self.artifact_id}: {self.chosen}"


# ---- search term statistics (comparisons/search/stats.py) --------------------------------


class TermStatistic(models.Model):
    """How many published capabilities contain one search term, counted per bucket of
    artifact ids, and the journal position (catalog/journal.py) the counts are exact at.

    Why buckets: after an edit, only the buckets of the artifacts the journal names are
    counted again (a few thousand documents), instead of the whole corpus (up to a second
    for a common term at a million capabilities). Shared by every worker and host, unlike
    the `derived` cache in front of it, and kept across restarts."""

    # sha256 of the term's identity (stats.py, `_term_identity`): identities can be long.
    key = models.CharField(max_length=64, primary_key=True)
    term = models.TextField(help_text="What was counted: match mode and words.")
    # {"<artifact id // bucket_width>": documents}; empty buckets are left out.
    bucket_counts = models.JSONField(default=dict)
    # The bucket width the counts were read with (stats.BUCKET_WIDTH then): rows of another
    # width are counted again whole, never patched.
    bucket_width = models.PositiveIntegerField()
    documents = models.BigIntegerField(help_text="The sum of bucket_counts.")
    # The catalog's facts version (catalog/versioning.py) the counts were read under: a
    # reader under the same version uses them as they are.
    facts_version = models.CharField(max_length=64)
    # journal.JournalMark, taken before the counts were read.
    mark_last_id = models.BigIntegerField()
    mark_snapshot = models.TextField(blank=True)
    mark_own = models.BigIntegerField()
    marked_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(documents__gte=0), name="term_statistic_documents_not_negative"
            )
        ]
        # The terms no document holds, counted before more are kept (stats.ABSENT_TERMS_KEPT).
        indexes = [
            models.Index(fields=["key"], condition=Q(documents=0), name="term_statistic_absent")
        ]

    def __str__(self) -> str:
        return f"{self.term}: {self.documents} documents"

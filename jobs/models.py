from django.conf import settings
from django.db import models
from django.db.models import Q


class TaskRun(models.Model):
    """One job an editor (or a schedule) started: its state, progress, summary and error.

    The queue itself is django-tasks-db's table; this row is what admin shows and what keeps
    two runs of the same job from overlapping (one queued or running row per lock).
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    kind = models.CharField(max_length=40)
    lock = models.CharField(max_length=40, editable=False)
    params = models.JSONField(default=dict, blank=True)
    upload = models.BinaryField(null=True, editable=False)
    upload_name = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(default=0)
    progress_note = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_result_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker_host = models.CharField(max_length=200, blank=True)
    worker_pid = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "background job"
        constraints = [
            models.UniqueConstraint(
                fields=["lock"],
                condition=Q(state__in=["queued", "running"]),
                name="jobs_one_active_run_per_lock",
            )
        ]

    def __str__(self) -> str:
        from jobs.kinds import KINDS

        kind = KINDS.get(self.kind)
        return f"{kind.label if kind else self.kind} #{self.pk}"

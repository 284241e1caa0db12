"""Background jobs in admin: start one (the request only queues it), then follow its state,
progress, summary and error. Runs are never edited by hand."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from jobs.kinds import KINDS
from jobs.models import TaskRun
from jobs.services import (
    JobAlreadyActive,
    progress_side_get,
    task_run_start,
    task_runs_recover,
)

# Uploaded import files are kept in the run until the worker has read them.
UPLOAD_MAX_BYTES = 25 * 1024 * 1024


class TaskRunStartForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label="Job", choices=[(key, kind.label) for key, kind in KINDS.items()]
    )
    url = forms.URLField(
        label="Source URL",
        required=False,
        assume_scheme="https",
        help_text="For an import: the https:// address of the source, e.g. "
        "https://openrouter.ai/api/v1/models.",
    )
    file = forms.FileField(
        label="or a file", required=False, help_text="For an import: a saved JSON response."
    )
    # Plain values (jobs/kinds.py stays free of feature code); the job checks them again.
    board = forms.ChoiceField(
        label="Leaderboard",
        required=False,
        choices=[("", "from the file name"), ("text", "text"), ("vision", "vision"),
                 ("image", "image (text-to-image)")],
        help_text="For the evaluation refresh: which LMArena board the file holds, when its "
        "name (leaderboard-text-2025-12-11.json) does not say.",
    )  # fmt: skip
    date = forms.DateField(
        label="Date of the data",
        required=False,
        help_text="For the evaluation refresh: YYYY-MM-DD, when the file name does not say.",
    )

    class Meta:
        model = TaskRun
        fields = ["kind"]

    def clean(self):
        cleaned = super().clean()
        kind = KINDS.get(cleaned.get("kind", ""))  # type: ignore[union-attr]
        if kind is None:
            return cleaned
        url, upload = cleaned.get("url"), cleaned.get("file")  # type: ignore[union-attr]
        if kind.source:
            if bool(url) == bool(upload):
                raise forms.ValidationError("Give either a source URL or a file, not both.")
            if url and not url.startswith("https://"):
                raise forms.ValidationError("Only https:// sources are fetched.")
            if upload and upload.size > UPLOAD_MAX_BYTES:
                raise forms.ValidationError(
                    f"The file is larger than {UPLOAD_MAX_BYTES // (1024 * 1024)} MB."
                )
        elif url or upload:
            raise forms.ValidationError(f"“{kind.label}” takes no URL or file.")
        for option in ("board", "date"):
            if cleaned.get(option) and option not in kind.options:  # type: ignore[union-attr]
                label = self.fields[option].label
                raise forms.ValidationError(f"“{kind.label}” takes no {str(label).lower()}.")
        return cleaned


@admin.register(TaskRun)
class TaskRunAdmin(admin.ModelAdmin):
    form = TaskRunStartForm
    list_display = [
        "__str__", "state", "progress", "summary_short", "error_short", "requested_by",
        "created_at", "finished_at",
    ]  # fmt: skip
    list_filter = ["state", "kind"]
    list_select_related = ["requested_by"]
    readonly_fields = [
        "kind_label", "state", "progress", "progress_note", "summary", "error", "source",
        "attempts", "requested_by", "created_at", "started_at", "finished_at", "heartbeat_at",
        "worker",
    ]  # fmt: skip

    def get_fields(self, request: HttpRequest, obj: TaskRun | None = None):
        if obj is None:
            return ["kind", "url", "file", "board", "date"]
        return self.readonly_fields

    def get_readonly_fields(self, request: HttpRequest, obj: TaskRun | None = None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # A worker that died mid-run leaves its run "running": notice it here too.
        task_runs_recover()
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("upload")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        upload = data.get("file")
        params = {"url": data["url"]} if data.get("url") else {}
        if upload:
            params["file_name"] = upload.name[:200]
        if data.get("board"):
            params["board"] = data["board"]
        if data.get("date"):
            params["date"] = data["date"].isoformat()
        try:
            run = task_run_start(
                kind=data["kind"],
                params=params,
                upload=upload.read() if upload else None,
                upload_name=upload.name if upload else "",
                requested_by=request.user,
            )
            self._queued = True
        except JobAlreadyActive as active:
            run = active.run
            self._queued = False
        obj.pk, obj.kind, obj.state = run.pk, run.kind, run.state

    def save_related(self, request, form, formsets, change):
        pass

    def log_addition(self, request, obj, message):
        pass  # the run itself records who started it and when

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(self, "_queued", True):
            self.message_user(request, f"Queued {obj}: it runs in the background.")
        else:
            self.message_user(
                request,
                f"Not started: {obj} is already {obj.get_state_display().lower()}.",
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:jobs_taskrun_change", args=[obj.pk]))

    @admin.display(description="job")
    def kind_label(self, obj: TaskRun) -> str:
        kind = KINDS.get(obj.kind)
        return kind.label if kind else obj.kind

    @admin.display(description="progress")
    def progress(self, obj: TaskRun) -> str:
        if obj.state == TaskRun.State.SUCCEEDED:
            return "done"
        done, total, note = obj.progress_done, obj.progress_total, obj.progress_note
        # A SQLite job inside its transaction leaves its progress beside the database.
        side = progress_side_get(run_id=obj.pk) if obj.state in TaskRun.ACTIVE_STATES else None
        if side is not None:
            done, total, note = side.done, side.total, side.note
        if not total:
            return note or "-"
        percent = 100 * done // total
        return f"{done:,}/{total:,}, {percent}%{f' ({note})' if note else ''}"

    @admin.display(description="summary")
    def summary_short(self, obj: TaskRun) -> str:
        return obj.summary[:120] or "-"

    @admin.display(description="error")
    def error_short(self, obj: TaskRun) -> str:
        return obj.error[:120] or "-"

    @admin.display(description="source")
    def source(self, obj: TaskRun) -> str:
        if obj.params.get("url"):
            return format_html("{}", obj.params["url"])
        return obj.upload_name or "-"

    @admin.display(description="worker")
    def worker(self, obj: TaskRun) -> str:
        return f"{obj.worker_host} process {obj.worker_pid}" if obj.worker_pid else "-"

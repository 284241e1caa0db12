"""The benchmark's bookkeeping: budget verdicts, the table, and BENCHMARKS.md's markers."""

import os
import signal
import subprocess
import sys
import time

import pytest

from benchmarks import run


def _result(kind: str, *, rps=100.0, p95=10.0, p99=20.0, cache="", completed=100):
    scenario = run.Scenario("Page", "cached", "/", kind=kind)
    return run.Result(
        scenario=scenario, rps=rps, p50=5.0, p95=p95, p99=p99, errors=0, cache=cache,
        alone=5.0, first=50.0, completed=completed,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("result", "verdict"),
    [
        (_result("compare", rps=150, p99=49), "PASS"),
        (_result("compare", rps=149, p99=10), "FAIL"),
        (_result("compare", rps=500, p99=50), "FAIL"),
        (_result("cached", rps=700, cache="hit"), "PASS"),
        (_result("cached", rps=700, cache="miss"), "FAIL"),
        (_result("cached", rps=699, cache="hit"), "FAIL"),
        (_result("search", p95=49), "PASS"),
        (_result("search", p95=1, completed=0), "FAIL"),
        (_result("catalog", p95=59), "PASS"),
        (_result("catalog", p95=60), "FAIL"),
        (_result("catalog_page", p95=119), "PASS"),
        (_result("catalog_page", p95=120), "FAIL"),
    ],
)
def test_budget_verdicts(result, verdict):
    assert run.verdict(result, floor_rps=1000).startswith(verdict)


def test_table_marks_rows_that_never_answered():
    text = run.table([_result("floor", rps=1000), _result("search", completed=0)], 1000)
    assert "timeout | timeout | timeout" in text.splitlines()[-1]


def test_report_keeps_the_notes_around_the_markers(tmp_path, monkeypatch):
    report = tmp_path / "BENCHMARKS.md"
    report.write_text(f"# Benchmarks\n\nintro\n\n{run.BEGIN}\nold\n{run.END}\n\n## Notes\n")
    monkeypatch.setattr(run, "REPORT", report)
    run.report_write("new table")
    assert report.read_text() == (
        f"# Benchmarks\n\nintro\n\n{run.BEGIN}\nnew table\n{run.END}\n\n## Notes\n"
    )


@pytest.mark.parametrize(
    ("after_edit", "after_top_edit", "verdicts"),
    [
        (149, 149, ["PASS", "PASS", "PASS"]),
        (149, 150, ["PASS", "PASS", "FAIL"]),
        (150, 10, ["PASS", "FAIL", "PASS"]),
        (10, None, ["PASS", "PASS"]),
    ],
)
def test_a_searchs_edits_are_each_held_to_the_budget(after_edit, after_top_edit, verdicts):
    result = _result("search", p95=10)
    result.after_edit, result.after_top_edit = after_edit, after_top_edit
    text = run.verdict(result, floor_rps=1000)
    assert [part.split(" ")[0] for part in text.split("; ")] == verdicts
    row = run.table([_result("floor", rps=1000), result], 1000).splitlines()[-1]
    cells = [cell.strip() for cell in row.split("|")]
    assert cells[10:12] == [str(after_edit), "-" if after_top_edit is None else str(after_top_edit)]


def test_a_request_over_budget_after_an_edit_is_written_with_the_servers_timing():
    slow = _result("search", p95=10)
    slow.after_edit, slow.after_edit_timing = 150, 'total;dur=150.2, ranking;desc="computed"'
    slow.after_top_edit, slow.after_top_edit_timing = 149, "total;dur=149.0"
    quick = _result("compare")
    quick.after_edit, quick.after_edit_timing = 20, "total;dur=20.0"
    floor = _result("floor")  # never edited: no budget
    assert run.after_edit_lines([floor, quick, slow]) == [
        "- Page (cached), after an edit: 150 ms; Server-Timing: `total;dur=150.2, "
        'ranking;desc="computed"`'
    ]
    slow.after_edit = 149
    assert run.after_edit_lines([floor, quick, slow]) == [
        "- Every request after an edit answered in under 150 ms."
    ]
    slow.after_top_edit, slow.after_top_edit_timing = 400, ""
    assert run.after_edit_lines([slow]) == [
        "- Page (cached), after its top result's edit: 400 ms; Server-Timing: `none sent`"
    ]


def _rebuilds(incremental: float, full: float, differ: list[str]) -> dict:
    def run_of(seconds: float) -> dict:
        return {"seconds": seconds, "steps": {"intents": 0.5, "ranks": 1.25}}

    return {
        "Incremental rebuild": run_of(incremental),
        "Full rebuild": run_of(full),
        "differ": differ,
        "events": 10_000,
        "choices": 800,
        "history": 1_000_000,
    }


@pytest.mark.parametrize(
    ("incremental", "full", "differ", "verdicts"),
    [
        (4.99, 119.9, [], ["PASS (<5s)", "PASS (<120s)", "agree on every checksum: PASS"]),
        (5.0, 120.0, [], ["FAIL (<5s)", "FAIL (<120s)", "agree on every checksum: PASS"]),
        (1.0, 60.0, ["pairs", "flows"], ["PASS (<5s)", "PASS (<120s)", "on pairs, flows: FAIL"]),
    ],
)
def test_the_rebuilds_are_held_to_their_budgets(incremental, full, differ, verdicts):
    lines = run.rebuild_lines(_rebuilds(incremental, full, differ), events=1_010_000)
    assert len(lines) == 3
    for line, verdict in zip(lines, verdicts, strict=True):
        assert verdict in line
    assert "10,000 new events (and 800 choices) over 1,000,000" in lines[0]
    assert "over 1,010,000 events" in lines[1]
    assert "Steps: intents 0.50s, ranks 1.25s." in lines[0]


def test_rebuilds_not_run_are_said_to_be_untimed():
    assert run.rebuild_lines(None, events=5) == ["- Match-graph rebuilds: not timed in this run."]


def test_an_incremental_run_that_fell_back_to_a_full_one_fails():
    summary = {"mode": "full", "reason": "search or choice events were deleted"}
    assert run.rebuild_lines(summary, events=5) == [
        "- Incremental match-graph rebuild: FAIL, the run was full "
        "(search or choice events were deleted)."
    ]


# A stand-in for gunicorn's arbiter: it keeps two child processes, forking a new one for
# each that ends.
_ARBITER = """
import subprocess, time
children = [subprocess.Popen(["sleep", "60"]) for _ in range(2)]
while True:
    children = [c if c.poll() is None else subprocess.Popen(["sleep", "60"]) for c in children]
    time.sleep(0.02)
"""


def _children_when(master: int, ready) -> set[int]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        children = set(run.worker_pids(master))
        if ready(children):
            return children
        time.sleep(0.02)
    raise AssertionError("the arbiter's children never settled")


def test_workers_replaced_during_a_run_are_counted():
    arbiter = subprocess.Popen([sys.executable, "-c", _ARBITER], start_new_session=True)
    try:
        started = _children_when(arbiter.pid, lambda children: len(children) == 2)
        assert run.workers_replaced(master=arbiter.pid, started=started) == 0
        os.kill(min(started), signal.SIGKILL)
        _children_when(arbiter.pid, lambda children: len(children) == 2 and children != started)
        assert run.workers_replaced(master=arbiter.pid, started=started) == 1
    finally:
        os.killpg(arbiter.pid, signal.SIGKILL)
        arbiter.wait()

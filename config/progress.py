"""Progress bars for management commands (tqdm): redrawn in place on a terminal, silent when
the output is a file or a pipe (logs, CI, cron)."""

import sys
from typing import IO, Any

from tqdm import tqdm


def _raw(stream: Any) -> IO[str]:
    # Django's OutputWrapper ends every write with a newline; the bar needs the bare stream.
    return getattr(stream, "_out", stream) or sys.stderr


def progress_bar(*, label: str, total: int | None, stream: Any = None, unit: str = "it") -> tqdm:
    """A tqdm bar on `stream` (default stderr), disabled unless `stream` is a terminal."""
    return tqdm(
        total=total,
        desc=label,
        file=_raw(stream if stream is not None else sys.stderr),
        disable=None,  # tqdm's "only on a terminal"
        unit=unit,
        unit_scale=False,
        dynamic_ncols=True,
        mininterval=0.5,
    )


class ProgressCallback:
    """A `progress(done, total)` callback drawing one bar (for code that reports counts)."""

    def __init__(self, *, label: str, stream: Any = None, unit: str = "it"):
        self.label, self.stream, self.unit = label, stream, unit
        self.bar: tqdm | None = None

    def __call__(self, done: int, total: int, note: str = "") -> None:
        label = f"{self.label}: {note}" if note else self.label
        if self.bar is None:
            self.bar = progress_bar(label=label, total=total, stream=self.stream, unit=self.unit)
        elif note:
            self.bar.set_description(label, refresh=False)
        self.bar.total = total
        self.bar.update(max(done - self.bar.n, 0))
        if total and done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

import json
import logging
from datetime import UTC, datetime


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and for request errors
    the method, path and status (never the request body or headers)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = request.path
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            exc_type, exc, _ = record.exc_info
            entry["error"] = f"{exc_type.__name__}: {exc}" if exc_type else ""
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextLineFormatter(logging.Formatter):
    """One readable line per event for a terminal (`make run`): time, level, logger, message;
    a request error's traceback follows on the next lines, once."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")

"""Page numbers from the query string, read the same way by every paginated page."""


def page_wanted(raw: str | int | None) -> str | int | None:
    """The page to ask Django's Paginator.get_page for: a number below 1 means the first
    page (get_page alone would answer the last, as for any page out of range); anything
    else as given (not a number: the first page; past the end: the last)."""
    try:
        return 1 if int(raw) < 1 else raw  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return raw

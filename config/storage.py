"""The static files storage of production."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's compressed manifest storage, with each file's URL remembered once made.

    Why: the manifest cannot change while a process runs (collectstatic writes it before the
    server starts, and a new manifest needs a restart to be read at all), and working a URL
    out again cost 13 µs a `{% static %}`, seven of them in the layout of every page
    (BENCHMARKS.md). URLs asked with force=True are worked out every time, as before."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        """The URL of the static file `name` (a path under STATIC_ROOT). Raises ValueError
        for a file missing from the manifest, as the parent does (nothing is remembered)."""
        if force or name is None:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)
        return found

"""Other tools' formats, read into neutral records (importers.base). One module per source.

Each format is a function (data: bytes, path, Options, progress) -> Parsed. The
modules are imported only when their format is used.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from ..gcpause import gc_paused


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    module: str
    function: str
    default_set: str
    description: str

    def parser(self):
        return getattr(importlib.import_module(f"{__name__}.{self.module}"), self.function)


FORMATS = {
    f.name: f
    for f in (
        Format("fatebook", "fatebook", "parse", "fatebook", "Fatebook's CSV export"),
        Format("predictionbook", "predictionbook", "parse_csv", "predictionbook", "PredictionBook's CSV export (mine.csv)"),
        Format("predictionbook-json", "predictionbook", "parse_json", "predictionbook", "PredictionBook's API JSON"),
        Format("metaculus", "metaculus", "parse", "metaculus", "Metaculus API posts with your forecasts (JSON)"),
        Format("manifold", "manifold", "parse", "manifold", "Manifold API markets and your bets (JSON)"),
        Format("csv", "generic", "parse", "imported", "any CSV, with --map field=Column"),
        # The ledger's own exports keep "no set" as it was: such predictions go where `add` puts them.
        Format("json", "ledger_export", "parse_json", "", "`pledger export json`"),
        Format("yaml", "ledger_export", "parse_yaml", "", "`pledger export yaml`"),
    )
}


def run_import(ledger, format_name: str, file, *, set_id=None, by=None, dry_run=False, strict=False,
               mapping=None, encoding=None, progress=None, data: bytes | None = None):
    """Read FILE in FORMAT and import it into ledger (services.imports.apply_import). Returns the ImportReport.

    mapping -- generic CSV only: {field: column} or the --map text
    progress -- called as progress(done, total) while a large file is read
    data -- the file's bytes, already read (standard input): FILE is then only its name in messages
    """
    import os

    from ..errors import UsageError
    from ..models import check_slug
    from ..services.defaults import default_by
    from ..services.import_known import FingerprintChild
    from ..services.imports import apply_import
    from .base import Options

    fmt = FORMATS.get(format_name)
    if fmt is None:
        from ..suggest import did_you_mean

        hint = did_you_mean(format_name, FORMATS)
        raise UsageError(f"unknown format {format_name!r}{hint}; use one of {', '.join(FORMATS)}", "FORMAT")
    if set_id is not None:
        try:
            check_slug(set_id, "set")
        except ValueError as exc:
            raise UsageError(f"--set: {exc}", "--set") from None
    if mapping and format_name != "csv":
        raise UsageError("--map is for the csv format only", "--map")
    if isinstance(mapping, str):
        from .generic import parse_mapping

        mapping = parse_mapping(mapping)
    path = os.fspath(file)
    try:
        if data is None:
            with open(path, "rb") as fh:
                data = fh.read()
    except FileNotFoundError:
        raise UsageError(f"FILE: {path!r} does not exist", "FILE") from None
    except IsADirectoryError:
        raise UsageError(f"FILE: {path!r} is a folder; name the exported file", "FILE") from None
    except OSError as exc:
        raise UsageError(f"FILE: cannot read {path!r}: {exc.strerror}", "FILE") from None
    options = Options(by=by or default_by(), mapping=mapping or None, encoding=encoding)
    # An import builds one large structure (the file's records, the ledger's) with no cycles:
    # the collector would walk it over and over as it grows and free nothing (ledger.gcpause).
    # The ledger's fingerprints are read beside the parse: a re-import then skips what is unchanged at once.
    with gc_paused(promote=True), FingerprintChild(ledger, len(data)) as known:
        parsed = fmt.parser()(data, path, options, progress)
        return apply_import(
            ledger, parsed, path=path, format_name=fmt.name, default_set=fmt.default_set, set_id=set_id,
            dry_run=dry_run, strict=strict, known=known,
        )


"""`pledger site`: the ledger as a static track-record site.

Pages (relative links only, so the site works from file:// and any static host):
  index.html              the track record: headline figures with n and intervals,
                          calibration, scores over time, per tag, per forecaster, the sets
  sets/ID.html            a set's scorecard (report.card, the same document as the markdown)
  predictions/ID.html     a prediction: claim, criteria, every forecast and outcome entry
                          with its evidence, the claims it tests
  claims/ID.html          a claim: quote, source, every assessment, the predictions testing it
  forecasters/NAME.html   a forecaster: every prediction they made or forecast (linked), their
                          calibration chart and the rest of their scorecard
  static/style.css, charts/*.png|svg

Every figure comes from services.scores.score (the home page's are those of
`pledger score --json` on the whole ledger). Deterministic: the same ledger gives
the same bytes; no build date is written.

Incremental: `.pledger-site.json` in the output folder records a fingerprint of
what the site was made from (the ledger files' hashes, today's date, the options,
pledger's version and its templates) and each file's hash. When the fingerprint is
unchanged and every file is still there as written, nothing is read or written;
otherwise every page is rendered in memory and only files whose bytes changed are
written (the others keep their mtimes), then files the site no longer has are
removed. Only files the manifest lists are ever removed or overwritten: a file
already in the folder that the site did not write (a blog's own index.html) stops
the command before anything is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".pledger-site.json"
PACKAGE = Path(__file__).resolve().parent


@dataclass
class SiteResult:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    skipped: bool = False  # the fingerprint matched: nothing was rendered

    @property
    def pages(self) -> int:
        return len(self.written) + self.unchanged


def slug(name: str) -> str:
    """A forecaster's page name: letters and digits of the name, and a short digest so names never clash."""
    from ..names import name_key

    key = name_key(name)
    base = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")[:40] or "forecaster"
    return f"{base}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def _templates_digest() -> str:
    h = hashlib.sha256()
    for folder in ("templates", "static"):
        for path in sorted((PACKAGE / folder).iterdir()):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def fingerprint(ledger, today: dt.date, options: dict) -> str:
    from ..services.published import fingerprint_rows
    from ..version import __version__

    with ledger.reader() as db:
        files = fingerprint_rows(db)
    h = hashlib.sha256(json.dumps([__version__, today.isoformat(), options, files, _templates_digest()]).encode())
    return h.hexdigest()


def _read_manifest(out: Path) -> dict:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) and isinstance(data.get("files"), dict) else {}
    except (OSError, ValueError):
        return {}


def _intact(out: Path, files: dict) -> bool:
    """Every file the manifest lists is still there, as big as written."""
    for rel, entry in files.items():
        try:
            if (out / rel).stat().st_size != entry[1]:
                return False
        except OSError:
            return False
    return True


def build_site(ledger, out: Path, *, today: dt.date | None = None, title: str | None = None) -> SiteResult:
    """Write the site for `ledger` into `out` (created if needed). Raises LedgerError for a file it cannot write."""
    from ..services.defaults import today as default_today

    today = today or default_today()
    from .pages import verification_stamp

    options = {"title": title, "git": verification_stamp(ledger)}  # a new commit can change the verdicts
    stamp = fingerprint(ledger, today, options)
    manifest = _read_manifest(out)
    old = manifest.get("files", {})
    if manifest.get("fingerprint") == stamp and _intact(out, old):
        return SiteResult(unchanged=len(old), skipped=True)
    from .pages import Charts, render_site

    charts = Charts(out, manifest.get("charts", {}), old)
    files = render_site(ledger, today, title, charts)
    result = SiteResult()
    foreign: list[str] = []  # files there already that this site did not write: never overwritten
    changed: dict[Path, bytes] = {}
    entries = {}
    for rel, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        digest = hashlib.sha256(data).hexdigest()
        entries[rel] = [digest, len(data)]
        target = out / rel
        if old.get(rel, [None])[0] == digest and _same_size(target, len(data)):
            result.unchanged += 1
            continue
        if rel not in old and _same_bytes(target, data):  # a site made before the manifest, or by hand
            result.unchanged += 1
            continue
        if rel not in old and (target.exists() or target.is_symlink()):
            foreign.append(rel)
        changed[target] = data
        result.written.append(rel)
    if foreign:
        from ..errors import UsageError

        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise UsageError(f"-o: {os.fspath(out)!r} holds files this site did not write ({shown}); nothing was "
                         "written. Give a folder of its own (an empty or new one), or move those files away "
                         f"(an older build of the site without its {MANIFEST}: delete it and run again)", "-o")
    new_manifest = json.dumps({"fingerprint": stamp, "files": entries, "charts": charts.keys}, indent=0,
                              sort_keys=True) + "\n"
    if changed or manifest.get("fingerprint") != stamp or set(old) != set(entries):
        changed[out / MANIFEST] = new_manifest.encode("utf-8")
    _write_all(changed)
    for rel in sorted(set(old) - set(entries)):
        try:
            (out / rel).unlink()
            result.removed.append(rel)
        except FileNotFoundError:
            pass
    return result


def _same_size(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except OSError:
        return False


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _write_all(files: dict[Path, bytes]) -> None:
    """Every file's temp first, then the renames: a failure leaves the old site as it was (and no temps).

    No fsync per page: a site is derived output, rebuilt by running the command again.
    """
    from ..errors import LedgerError

    temps: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            temp.write_bytes(data)
            temps.append((temp, path))
        for temp, path in temps:
            os.replace(temp, path)
    except OSError as exc:
        for temp, _ in temps:
            try:
                temp.unlink()
            except OSError:
                pass
        raise LedgerError(f"cannot write the site: {exc.filename or ''}: {exc.strerror or exc}") from None

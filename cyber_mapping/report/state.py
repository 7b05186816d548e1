"""The render state: content hashes that tell whether a report must be rendered again.

``reports/.render-state.json`` keeps, per report, the hash of everything it depends on
(template, parameters, code, data product) and the size and SHA-256 of the files it wrote.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from cyber_mapping.paths import PACKAGE_DIR, atomic_path
from cyber_mapping.report.jobs import Job

STATE_FILE = ".render-state.json"
# Held by a report run for its whole length, so that two runs into one folder take turns.
LOCK_FILE = ".render.lock"


def _hash_files(digest: hashlib._Hash, paths: list[Path], root: Path) -> None:
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())


def code_fingerprint() -> str:
    """Hash of the package's code, reference data and report styles."""
    digest = hashlib.sha256()
    files = [p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    _hash_files(digest, files, PACKAGE_DIR)
    return digest.hexdigest()


def product_fingerprint(processed_dir: Path) -> str:
    """Hash of the data product's tables and manifest (without its build time)."""
    digest = hashlib.sha256()
    _hash_files(digest, list(processed_dir.glob("*.parquet")), processed_dir)
    manifest = json.loads((processed_dir / "manifest.json").read_text())
    manifest.pop("built_at", None)
    digest.update(json.dumps(manifest, sort_keys=True).encode())
    return digest.hexdigest()


def job_key(job: Job, code: str, product: str) -> str:
    """Content hash of everything a report depends on."""
    digest = hashlib.sha256()
    digest.update(Path(job.template).read_bytes())
    payload = {
        "parameters": job.parameters,
        "formats": job.formats,
        "code": code,
        "links": job.links,
    }
    digest.update(json.dumps(payload, sort_keys=True, default=str).encode())
    digest.update(product.encode())
    return digest.hexdigest()


def fingerprints(folder: Path, names: list[str]) -> dict[str, dict[str, object]]:
    """Size and SHA-256 of each file ``names`` of ``folder``, as the render state keeps them."""
    out: dict[str, dict[str, object]] = {}
    for name in names:
        path = folder / name
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        out[name] = {"size": path.stat().st_size, "sha256": digest}
    return out


def outputs_intact(folder: Path, recorded: object, names: list[str]) -> bool:
    """Whether every file ``names`` is as the render state recorded it (size, then hash).

    A state without a record (written before records were kept) is not trusted.
    """
    if not isinstance(recorded, dict):
        return False
    for name in names:
        path = folder / name
        want = recorded.get(name)
        if not isinstance(want, dict) or not path.is_file():
            return False
        if path.stat().st_size != want.get("size"):
            return False
    return fingerprints(folder, names) == {n: recorded[n] for n in names}


def timestamp() -> str:
    """Now, in UTC to the second, as the render state records when a report was rendered."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def read_state(path: Path) -> dict:
    """The render state at ``path``; empty when missing or damaged (nothing is trusted)."""
    try:
        state = json.loads(path.read_text()) if path.is_file() else {}
    except ValueError:  # a damaged state trusts nothing: everything is rendered again
        state = {}
    if not isinstance(state, dict):
        state = {}
    return state


def write_state(path: Path, state: dict) -> None:
    """Write the render state (atomically: a killed run leaves the previous one)."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(state, indent=2, sort_keys=True))

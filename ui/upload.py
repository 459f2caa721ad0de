"""Uploaded scenarios: size-limited, unpacked only into a temporary folder, validated by the loader.

An upload is one scenario YAML file (tables inline), one xlsx workbook (read by the same loader, with
its own zip-size checks before parsing and openpyxl's defused XML parser), or a zip holding a scenario YAML and the CSV
tables it names. Nothing uploaded is ever executed or unpickled: the YAML goes through
:func:`planner.load_scenario` (PyYAML's safe loader, alias-bomb and size limits), CSVs through its CSV
reader. A zip is checked member by member before a byte is written: no absolute paths, no ``..``, no
links, no encryption, only ``.yaml``/``.yml``/``.csv`` files, and at most :data:`MAX_UNZIPPED_BYTES` as
the central directory declares them. A header that understates a member's size cannot unpack more than it
declares: Python's :mod:`zipfile` stops reading a member at its declared size and then checks its CRC, so
a lying header either fails that check (and the upload is refused) or yields only the declared bytes.
Limits are documented in docs/ui.md.
"""

from __future__ import annotations

import io
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from planner import Scenario, load_scenario
from planner.errors import Problem, ScenarioError
from planner.i18n.problems import problem

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # one uploaded file, as sent
MAX_ZIP_MEMBERS = 20  # files in a zip
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # all members of a zip together, once unpacked
YAML_SUFFIXES = (".yaml", ".yml")
WORKBOOK_SUFFIX = ".xlsx"
ALLOWED_SUFFIXES = (*YAML_SUFFIXES, ".csv")
_CHUNK_BYTES = 64 * 1024


def scenario_from_upload(filename: str, data: bytes) -> Scenario:
    """The validated scenario in an uploaded YAML file or zip.

    Parameters
    ----------
    filename:
        The name the browser sent (only its suffix and base name are used, never as a path).
    data:
        The uploaded bytes, at most :data:`MAX_UPLOAD_BYTES`.

    Raises
    ------
    ScenarioError
        Every problem found, each naming file, row and field where it can.
    """
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    if len(data) > MAX_UPLOAD_BYTES:
        raise ScenarioError(
            [
                problem(
                    "upload.too_big",
                    file=name,
                    size=f"{len(data):,}",
                    limit=f"{MAX_UPLOAD_BYTES:,}",
                )
            ]
        )
    suffix = PurePosixPath(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="planner-upload-") as tmp:
        folder = Path(tmp)
        if suffix == ".zip":
            yaml_path = folder / _scenario_member(extract_zip(data, folder, name), name)
        elif suffix in YAML_SUFFIXES or suffix == WORKBOOK_SUFFIX:
            yaml_path = folder / name
            yaml_path.write_bytes(data)
        else:
            raise ScenarioError([problem("upload.wrong_type", file=name)])
        return load_scenario(yaml_path)


def extract_zip(data: bytes, folder: Path, name: str = "upload.zip") -> list[str]:
    """Unpack a zip's YAML and CSV members into ``folder``; returns their relative paths.

    Every member is checked before anything is written; a zip with any bad member writes nothing.

    Raises
    ------
    ScenarioError
        One problem per bad member (path leaving the folder, link, encrypted, wrong type), or for a zip
        that is unreadable, has too many members, or unpacks to more than :data:`MAX_UNZIPPED_BYTES`.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as err:
        raise ScenarioError([problem("upload.bad_zip", file=name, reason=str(err))]) from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise ScenarioError(
                [
                    problem(
                        "upload.too_many_files",
                        file=name,
                        count=len(members),
                        limit=MAX_ZIP_MEMBERS,
                    )
                ]
            )
        problems = [p for info in members for p in _member_problems(info, name)]
        declared = sum(info.file_size for info in members)
        if declared > MAX_UNZIPPED_BYTES:
            problems.append(_too_big(name))
        if problems:
            raise ScenarioError(problems)
        return _write_members(archive, members, folder.resolve(), name)


def _member_problems(info: zipfile.ZipInfo, zip_name: str) -> list[Problem]:
    where = f"{zip_name}: {info.filename}"
    path = PurePosixPath(info.filename.replace("\\", "/"))
    problems = []
    if path.is_absolute() or ".." in path.parts or ":" in info.filename:
        problems.append(problem("upload.leaves_folder", file=where))
    if stat.S_ISLNK(info.external_attr >> 16):
        problems.append(problem("upload.link", file=where))
    if info.flag_bits & 0x1:
        problems.append(problem("upload.encrypted", file=where))
    if path.suffix.lower() not in ALLOWED_SUFFIXES:
        problems.append(problem("upload.member_type", file=where))
    return problems


def _write_members(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], root: Path, zip_name: str
) -> list[str]:
    written: list[str] = []
    for info in members:
        relative = PurePosixPath(info.filename.replace("\\", "/"))
        target = (root / relative).resolve()
        if not target.is_relative_to(root):  # checked above too; this is the last guard
            raise ScenarioError([problem("upload.leaves_folder", file=zip_name)])
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_member(archive, info, target, zip_name)
        written.append(relative.as_posix())
    return written


def _copy_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, zip_name: str
) -> None:
    """Copy one member; zipfile yields at most ``info.file_size`` bytes, already counted in the
    declared total, so no copy can outgrow :data:`MAX_UNZIPPED_BYTES` (see the module docstring)."""
    try:
        with archive.open(info) as source, open(target, "wb") as sink:
            while chunk := source.read(_CHUNK_BYTES):
                sink.write(chunk)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as err:
        raise ScenarioError(
            [problem("upload.cannot_unpack", file=f"{zip_name}: {info.filename}", reason=str(err))]
        ) from None


def _too_big(zip_name: str) -> Problem:
    return problem("upload.unpacks_too_big", file=zip_name, limit=f"{MAX_UNZIPPED_BYTES:,}")


def _scenario_member(paths: list[str], zip_name: str) -> str:
    """The zip's scenario YAML: ``scenario.yaml`` if present, else its only YAML file."""
    yamls = [p for p in paths if PurePosixPath(p).suffix.lower() in YAML_SUFFIXES]
    named = [p for p in yamls if PurePosixPath(p).name == "scenario.yaml"]
    if len(named) == 1:
        return named[0]
    if len(yamls) == 1:
        return yamls[0]
    if not yamls:
        raise ScenarioError([problem("upload.no_yaml", file=zip_name)])
    raise ScenarioError([problem("upload.which_yaml", file=zip_name, found=", ".join(yamls))])

"""Two guarantees every report format shares: text is never taken for a formula, and a report file is
either written whole or not at all.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and strip a
leading tab or carriage return first), so a region named ``=HYPERLINK("http://x","y")`` in a CSV would
become a live link when the file is opened (OWASP "CSV injection"). Text is therefore written as text:
in CSV behind a leading apostrophe, in xlsx as a string cell with Excel's quote prefix.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from planner.errors import OutputError
from planner.i18n.catalog import t
from planner.scenario.files import ordinary_file_mode

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet read a text cell as a formula."""


def is_formula_like(value: object) -> bool:
    """True for text a spreadsheet would evaluate (numbers are never formula-like)."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_cell(value: object) -> object:
    """A value safe for a CSV cell: formula-like text gets a leading apostrophe, which spreadsheets
    read as "this is text" (and do not show); everything else is unchanged."""
    return "'" + value if is_formula_like(value) else value  # type: ignore[operator]


def check_writable(path: str | os.PathLike[str]) -> Path:
    """The absolute path a report may be written to, or :class:`OutputError` saying why not.

    Checked before any work is done, so a wrong ``--out`` fails in a second, not after a solve.
    """
    target = Path(path).expanduser().absolute()
    folder = target.parent
    if target.is_dir():
        raise OutputError(t("cli.output.report_is_folder", target=path))
    if not folder.is_dir():
        why = "report_folder_not_folder" if folder.exists() else "report_no_folder"
        raise OutputError(t(f"cli.output.{why}", target=path, folder=folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(t("cli.output.report_folder_read_only", target=path, folder=folder))
    return target


def atomic_write(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and one rename.

    A reader (or a crash, or a kill) sees the old file or the new one, never a half-written one: the
    rename is atomic on POSIX and Windows because source and target share a file system. Raises
    :class:`OutputError` when the folder cannot be written.
    """
    target = check_writable(path)
    try:
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as err:
        raise OutputError(f"cannot write the report {path}: {err.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, ordinary_file_mode())  # mkstemp makes 0600; a report is ordinary
        os.replace(temporary, target)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(err, OSError):
            raise OutputError(f"cannot write the report {path}: {err.strerror}") from None
        raise
    return target

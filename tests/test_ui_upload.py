"""Safe handling of uploaded scenarios: size limits, zip-slip, links, bombs, YAML tags, located errors."""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

import planner
from planner.errors import ScenarioError
from ui import upload


def zipped(members: dict[str, bytes | str], links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in links:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def saved_scenario(tmp_path: Path) -> dict[str, bytes]:
    planner.save_scenario(planner.load_scenario("western_china"), tmp_path)
    return {p.name: p.read_bytes() for p in tmp_path.iterdir()}


def problems_of(filename: str, data: bytes) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        upload.scenario_from_upload(filename, data)
    return [str(p) for p in caught.value.problems]


def test_a_zip_of_yaml_and_csvs_loads_the_same_scenario(tmp_path: Path) -> None:
    scenario = upload.scenario_from_upload("w.zip", zipped(saved_scenario(tmp_path)))
    assert scenario == planner.load_scenario("western_china")


def test_a_single_yaml_with_inline_tables_loads() -> None:
    text = planner.scenario_yaml_text(planner.load_scenario("western_china"))
    scenario = upload.scenario_from_upload("w.yaml", text.encode())
    assert scenario == planner.load_scenario("western_china")


@pytest.mark.parametrize("name", ["big.yaml", "big.zip"])
def test_an_oversized_upload_is_refused_before_parsing(name: str) -> None:
    """The upload's own limit speaks, not the YAML loader's (1 MiB) behind it, nor the zip reader."""
    size = upload.MAX_UPLOAD_BYTES + 1
    shown = problems_of(name, b"#" * size)
    assert shown == [f"{name}: upload is {size:,} bytes; the limit is {upload.MAX_UPLOAD_BYTES:,}"]


@pytest.mark.parametrize(
    "evil", ["../escape.csv", "/etc/evil.csv", "a/../../escape.csv", "C:x.csv"]
)
def test_zip_slip_paths_are_refused_and_nothing_is_written(tmp_path: Path, evil: str) -> None:
    target = tmp_path / "unpack"
    target.mkdir()
    data = zipped({"scenario.yaml": "version: 1\n", evil: "id\nx\n"})
    with pytest.raises(ScenarioError) as caught:
        upload.extract_zip(data, target, "evil.zip")
    assert any("leaves the upload folder" in str(p) for p in caught.value.problems)
    assert list(target.rglob("*")) == []
    assert not (tmp_path / "escape.csv").exists()


def test_links_and_other_file_types_are_refused(tmp_path: Path) -> None:
    data = zipped(
        {"scenario.yaml": "version: 1\n", "regions.csv": "/etc/passwd", "run.py": "print(1)"},
        links=("regions.csv",),
    )
    with pytest.raises(ScenarioError) as caught:
        upload.extract_zip(data, tmp_path, "z.zip")
    shown = [str(p) for p in caught.value.problems]
    assert any("regions.csv" in s and "links" in s for s in shown)
    assert any("run.py" in s and ".csv files are accepted" in s for s in shown)


def test_encrypted_members_are_refused(tmp_path: Path) -> None:
    # bit 0 of the general purpose flags marks a member encrypted (zipfile would want a password)
    data = with_headers(
        zipped({"scenario.yaml": "version: 1\n", "needs.csv": "id\nx\n"}), "needs.csv", flags=0x1
    )
    with pytest.raises(ScenarioError) as caught:
        upload.extract_zip(data, tmp_path, "locked.zip")
    assert [str(p) for p in caught.value.problems] == [
        "locked.zip: needs.csv: encrypted members are not accepted"
    ]
    assert list(tmp_path.iterdir()) == []


def test_the_last_guard_refuses_a_path_leaving_the_folder_while_writing(tmp_path: Path) -> None:
    """The member checks refuse such a path first; the writer checks again on the resolved path,
    so a gap in the first check still writes nothing outside. Called directly to reach it."""
    target = tmp_path / "unpack"
    target.mkdir()
    data = zipped({"../escape.csv": "id\nx\n"})
    with zipfile.ZipFile(io.BytesIO(data)) as archive, pytest.raises(ScenarioError) as caught:
        upload._write_members(archive, archive.infolist(), target.resolve(), "evil.zip")
    assert [str(p) for p in caught.value.problems] == ["evil.zip: path leaves the upload folder"]
    assert not (tmp_path / "escape.csv").exists()


def test_too_many_members_are_refused(tmp_path: Path) -> None:
    members = {f"t{i}.csv": "a\n1\n" for i in range(upload.MAX_ZIP_MEMBERS + 1)}
    with pytest.raises(ScenarioError, match="limit is"):
        upload.extract_zip(zipped(members), tmp_path)


def test_a_zip_bomb_is_stopped_at_the_unpacked_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upload, "MAX_UNZIPPED_BYTES", 1_000_000)
    bomb = zipped({"scenario.yaml": "version: 1\n", "needs.csv": "0" * 5_000_000})
    assert len(bomb) < 50_000  # small on the wire, large unpacked
    with pytest.raises(ScenarioError, match="unpacks to more than"):
        upload.extract_zip(bomb, tmp_path)


# Field offsets in a zip's central directory entry and local file header (APPNOTE 4.3.7, 4.3.12):
# (struct format, offset) per field, the name-length offset, and where the name starts.
HEADERS = {
    b"PK\x01\x02": ({"flags": ("<H", 8), "crc": ("<I", 16), "size": ("<I", 24)}, 28, 46),
    b"PK\x03\x04": ({"flags": ("<H", 6), "crc": ("<I", 14), "size": ("<I", 22)}, 26, 30),
}


def with_headers(data: bytes, member: str, **fields: int) -> bytes:
    """The zip with ``member``'s header fields (``flags``, ``crc``, ``size``: uncompressed) rewritten
    in both its central directory entry and its local header: a real archive, not a patched reader."""
    patched = bytearray(data)
    for signature, (offsets, at_name_len, head) in HEADERS.items():
        found = patched.find(signature)
        while found >= 0:
            name_len = struct.unpack_from("<H", patched, found + at_name_len)[0]
            if patched[found + head : found + head + name_len] == member.encode():
                for field, value in fields.items():
                    fmt, offset = offsets[field]
                    struct.pack_into(fmt, patched, found + offset, value)
            found = patched.find(signature, found + 4)
    return bytes(patched)


def understating(data: bytes, member: str, size: int, crc: int | None = None) -> bytes:
    """``member``'s uncompressed size (and CRC, if given) understated: a lying header."""
    return with_headers(data, member, size=size, **({} if crc is None else {"crc": crc}))


BOMB = "0" * 200_000


def test_a_header_that_understates_a_size_fails_the_crc_check(tmp_path: Path) -> None:
    """What stops a lying header is zipfile itself: it reads a member only up to its declared size
    (10 bytes here, well inside the declared-total limit) and then checks the CRC, which the real
    200,000 bytes' CRC does not match. There is no byte counting in ui/upload.py: it could never fire."""
    data = understating(
        zipped({"scenario.yaml": "version: 1\n", "needs.csv": BOMB}), "needs.csv", 10
    )
    with pytest.raises(ScenarioError, match=r"cannot unpack: Bad CRC-32 for file 'needs.csv'"):
        upload.extract_zip(data, tmp_path, "lie.zip")
    written = tmp_path / "needs.csv"
    assert not written.exists() or written.stat().st_size <= 10


def test_a_header_that_lies_consistently_unpacks_only_what_it_declares(tmp_path: Path) -> None:
    """With the CRC forged to match the declared first 10 bytes the check passes, and what unpacks
    is those 10 bytes: the declared total, checked before anything is written, bounds the real one."""
    data = zipped({"scenario.yaml": "version: 1\n", "needs.csv": BOMB})
    data = understating(data, "needs.csv", 10, crc=zlib.crc32(BOMB[:10].encode()))
    assert sorted(upload.extract_zip(data, tmp_path, "lie.zip")) == ["needs.csv", "scenario.yaml"]
    assert (tmp_path / "needs.csv").read_text() == BOMB[:10]


def test_a_lying_upload_is_one_located_message() -> None:
    data = understating(
        zipped({"scenario.yaml": "version: 1\n", "needs.csv": BOMB}), "needs.csv", 10
    )
    shown = problems_of("lie.zip", data)
    assert shown == ["lie.zip: needs.csv: cannot unpack: Bad CRC-32 for file 'needs.csv'"]


def test_yaml_tags_that_construct_objects_are_refused() -> None:
    text = planner.scenario_yaml_text(planner.load_scenario("western_china"))
    evil = text.replace(
        "name: Western", "name: !!python/object/apply:os.system ['touch pwned']\nx: Western", 1
    )
    shown = problems_of("evil.yaml", evil.encode())
    assert shown and all(s.startswith("evil.yaml") for s in shown)
    assert not Path("pwned").exists()


def test_a_zip_without_a_single_scenario_yaml_says_so(tmp_path: Path) -> None:
    members = {"a.yaml": "version: 1\n", "b.yml": "version: 1\n"}
    shown = problems_of("two.zip", zipped(members))
    assert shown == [
        "two.zip: expected one scenario YAML (scenario.yaml) in the zip; found: a.yaml, b.yml"
    ]


def test_csv_problems_name_the_csv_file_row_and_field(tmp_path: Path) -> None:
    files = saved_scenario(tmp_path)
    lines = files["needs.csv"].decode().splitlines()
    cells = lines[3].split(",")
    cells[2] = "-1"
    lines[3] = ",".join(cells)
    files["needs.csv"] = ("\n".join(lines) + "\n").encode()
    shown = problems_of("mine.zip", zipped(files))
    assert len(shown) == 1 and shown[0].startswith("needs.csv, row 4, field 'need'"), shown


def test_other_file_types_are_refused() -> None:
    shown = problems_of("scenario.pkl", b"\x80\x04")
    assert shown == [
        "scenario.pkl: upload a scenario .yaml/.yml file, an .xlsx workbook or a .zip of YAML + CSVs"
    ]


def test_a_corrupt_zip_is_a_message() -> None:
    shown = problems_of("bad.zip", b"PK\x03\x04 not really")
    assert len(shown) == 1 and shown[0].startswith("bad.zip: not a readable zip file")


def test_an_xlsx_upload_loads_the_same_scenario() -> None:
    scenario = planner.load_scenario("western_china")
    assert upload.scenario_from_upload("w.xlsx", planner.workbook_bytes(scenario)) == scenario


def test_an_xlsx_bomb_is_refused_by_its_declared_size() -> None:
    from planner.scenario import workbook

    buffer = io.BytesIO(planner.workbook_bytes(planner.load_scenario("western_china")))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.xml", b" " * (workbook.MAX_MEMBER_BYTES + 1))
    assert len(buffer.getvalue()) < upload.MAX_UPLOAD_BYTES
    shown = problems_of("bomb.xlsx", buffer.getvalue())
    assert shown == [
        "bomb.xlsx: part 'xl/padding.xml' unpacks to 52,428,801 bytes; the limit is 52,428,800 (zip bomb?)"
    ]

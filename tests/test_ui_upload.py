"""Safe handling of uploaded scenarios: size limits, zip-slip, links, bombs, YAML tags, located errors."""

from __future__ import annotations

import io
import stat
import zipfile
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


def test_an_oversized_upload_is_refused_before_parsing() -> None:
    shown = problems_of("big.yaml", b"#" * (upload.MAX_UPLOAD_BYTES + 1))
    assert len(shown) == 1 and "limit" in shown[0] and shown[0].startswith("big.yaml")


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


def test_a_lying_header_is_caught_while_copying(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A header that understates the size passes the first check; counting the real bytes stops it."""
    data = zipped({"scenario.yaml": "version: 1\n", "needs.csv": "0" * 200_000})
    monkeypatch.setattr(upload, "MAX_UNZIPPED_BYTES", 100_000)
    original = zipfile.ZipFile.infolist

    def understated(self: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
        infos = original(self)
        for info in infos:
            info.file_size = 10
        return infos

    monkeypatch.setattr(zipfile.ZipFile, "infolist", understated)
    with pytest.raises(ScenarioError):
        upload.extract_zip(data, tmp_path)


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

"""A plain (non-editable) install carries the models package and the bundled data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_models_and_data_and_solves_the_default(tmp_path):
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "dist").glob("planner-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "models/budget.py" in names
    assert "planner/_data/western_china/scenario.yaml" in names
    assert "planner/_data/provinces.csv" in names
    assert "planner/_ui/app.py" in names and "planner/_ui/upload.py" in names
    for lang in ("en", "zh"):  # the catalogs ship inside the package, read at first use
        assert f"planner/i18n/locales/{lang}/LC_MESSAGES/planner.po" in names
    assert "planner/_data/names_zh.csv" in names
    target = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr
    code = (
        "import planner, sys; assert planner.__file__.startswith(sys.argv[1]), planner.__file__; "
        "from planner.cli.ui import app_path; assert app_path().is_file(), app_path(); "
        "import planner._ui.upload; "
        "from planner.i18n.catalog import t; assert t('status.optimal', lang='zh') == '最优'; "
        "from planner.i18n.names import sector_name; assert sector_name('water', 'zh') == '水利'; "
        "print(planner.solve('western_china').status)"
    )
    # -I ignores the checkout (and its editable install): only the installed copy can be imported
    env_path = f"{target}"
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {env_path!r}); " + code,
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "optimal"

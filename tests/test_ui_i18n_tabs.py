"""The app's analysis tabs, sidebar help and editors in Chinese (issue 20), driven headless by AppTest.

With ``?lang=zh`` every tab shows its Chinese title and labels, and none of its known English
labels. The English labels are read from the English catalog (every message of the tab's keys,
split at its placeholders), so a label added to the catalog is checked without touching this file;
a fragment the Chinese messages keep too (``Shapley``, ``YAML``, ``mandatory: true``) is not a
leftover.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import planner
from planner.i18n.catalog import t, use_language
from tests.catalog_words import english_fragments, leftovers

APP = Path(__file__).resolve().parents[1] / "ui" / "app.py"
TIMEOUT_S = 300
SHARED = ("ui.col.", "ui.editor.", "ui.help.", "ui.heavy.")
"""Keys any tab may draw from: tables' headers, editors, help texts, the heavy runs' progress."""
TABS = {
    "ui.tab.map": ("ui.map.",),
    "ui.tab.frontier": ("ui.frontier.", "ui.pareto."),
    "ui.tab.alternatives": ("ui.alt.",),
    "ui.tab.compare": ("ui.compare.", "ui.attr."),
    "ui.tab.history": ("ui.history.",),
    "ui.tab.projects": ("ui.projects.",),
    "ui.tab.downloads": ("ui.download.",),
}
TEXT_FIELDS = {"label", "help", "body", "options", "placeholder", "text"}


ANNOTATIONS = {k for p in planner.load_scenario("western_china").projects for k in p.annotations}
"""The bundled projects' annotation columns: their cells are the sources' own text (often English
documents' titles), data rather than the app's words, so this check leaves them out."""


def nodes(node: Any) -> Iterator[Any]:
    for child in getattr(node, "children", {}).values():
        yield child
        yield from nodes(child)


def texts_of(node: Any) -> list[str]:
    """What a person reads in ``node``: labels, help, markdown, options, progress text, table
    headers and string cells, chart titles (not ids, keys or the tables' machine names)."""
    found: list[str] = []
    for element in nodes(node):
        proto = getattr(element, "proto", None)
        for field, value in proto.ListFields() if proto is not None else []:
            if field.name in TEXT_FIELDS:
                found += [value] if isinstance(value, str) else [str(v) for v in value]
            elif field.name == "columns" and value:
                for column in json.loads(value).values():
                    found += [str(column.get(k, "")) for k in ("label", "help")]
            elif field.name == "spec" and value:
                found += titles(json.loads(value))
        if type(element).__name__ == "Dataframe":
            frame = element.value
            for column in [c for c in frame.columns if c not in ANNOTATIONS]:
                found += [v for v in frame[column] if isinstance(v, str)]
    return [s for s in found if s]


def titles(spec: Any) -> list[str]:
    """Every ``title`` of a Vega-Lite spec (axes, legends, tooltips)."""
    if isinstance(spec, dict):
        own = [str(spec["title"])] if isinstance(spec.get("title"), str) else []
        return own + [s for v in spec.values() for s in titles(v)]
    if isinstance(spec, list):
        return [s for v in spec for s in titles(v)]
    return []


@pytest.fixture(scope="module")
def chinese(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppTest]:
    """The page in Chinese with every tab's result asked for: a baseline pinned and the budget cut
    to 1,500 (so Compare and its attribution have something to say), the frontiers and
    alternatives computed, the plan saved as a run and approved (the budget box is in 亿元, like the
    KPIs, so 1,500 CNY bn is typed as 15,000)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("PLANNER_DB_URL", str(tmp_path_factory.mktemp("runs") / "runs.sqlite"))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params["lang"] = "zh"
    at.run()
    at.button(key="pin_baseline").click().run()
    at.number_input(key="budget_total").set_value(15000.0).run()  # 亿元, as the KPIs: 1,500 CNY bn
    with use_language("zh"):  # one alternative shows every label the tab has; three only cost more
        (count,) = [n for n in at.number_input if n.label == t("ui.alt.count")]
    count.set_value(1)
    for key in ("attribute", "frontier_button", "pareto_button", "alternatives_button"):
        at.button(key=key).click().run()
    at.text_input(key="history_note").input("供讨论")
    at.button(key="history_save").click().run()
    at.button(key="history_decide").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    yield at
    patch.undo()


def tab(at: AppTest, key: str) -> Any:
    with use_language("zh"):
        title = t(key)
    (found,) = [x for x in at.tabs if x.label == title]
    return found


def attribution_sentences() -> set[str]:
    """The attribution's sentences (``planner/analysis/attribution_words.py``, worded outside the
    app): not the app's labels, so not part of this check."""
    base = planner.load_scenario("western_china")
    cut = planner.validate_scenario({**base.model_dump(), "budget": 1500.0})
    with use_language("zh"):
        return {planner.attribute(base, cut).summary()}


@pytest.mark.parametrize("key", list(TABS))
def test_each_tab_is_chinese_with_no_english_label_left(chinese: AppTest, key: str) -> None:
    texts = texts_of(tab(chinese, key))
    assert any(re.search(r"[\u4e00-\u9fff]", s) for s in texts)
    if key == "ui.tab.compare":
        sentences = attribution_sentences()  # once: an attribution solves (it ran once per text)
        texts = [s for s in texts if s not in sentences]
    left = leftovers(texts, english_fragments(TABS[key] + SHARED))
    assert not left, left


def test_the_tabs_show_their_own_chinese_titles_and_figures_in_yi_yuan(chinese: AppTest) -> None:
    """The frontier's budgets are 亿元 (the cut budget of 1,500 CNY bn is 15,000 亿元 in the intro),
    the comparison names 亿元, the candidates' table heads its cost in 亿元."""
    frontier = " ".join(texts_of(tab(chinese, "ui.tab.frontier")))
    assert "预算前沿" in frontier and "15,000 亿元" in frontier and "公平—效率前沿" in frontier
    assert "总预算（亿元）" in frontier  # the chart's axis
    compare = " ".join(texts_of(tab(chinese, "ui.tab.compare")))
    assert "当前减基准" in compare and "亿元" in compare and "方案为何变化" in compare
    alternatives = " ".join(texts_of(tab(chinese, "ui.tab.alternatives")))
    assert "各省的调整空间" in alternatives and "采用此方案" in alternatives
    history = " ".join(texts_of(tab(chinese, "ui.tab.history")))
    assert "保存为运行" in history and "批准" in history and "创建时间（UTC）" in history
    projects = texts_of(tab(chinese, "ui.tab.projects"))
    assert "投资 (亿元)" in projects and "项目" in projects  # headers: the cost, the project's name
    assert "候选项目" in " ".join(projects)


def test_sidebar_help_and_editors_are_chinese(chinese: AppTest) -> None:
    """The sidebar's help texts and the editors' headers (provinces, profiles, corridors, needs,
    the split) carry no English label of the catalog; the provinces editor names 四川."""
    texts = texts_of(chinese.sidebar) + [s for e in chinese.expander for s in texts_of(e)]
    left = leftovers(texts, english_fragments(("ui.help.", "ui.editor.", "ui.side.")))
    assert not left, left
    assert "四川" in texts and "吸纳能力（十亿元/期）" in texts  # inputs keep the scenario's unit


def test_the_english_fragments_come_from_the_catalog() -> None:
    """The list the checks above use is not empty and holds the labels a planner would see."""
    fragments = english_fragments(TABS["ui.tab.frontier"])
    assert "Compute the budget frontier" in fragments and "Budget frontier" in fragments
    assert "Find the alternatives" in english_fragments(TABS["ui.tab.alternatives"])
    upload = english_fragments(("ui.help.upload",))
    assert "A scenario YAML with inline tables" in upload
    assert "planner template" not in upload  # a command: the Chinese help keeps it


def test_an_upload_s_problems_are_chinese_and_name_the_member() -> None:
    """A zip whose members leave the folder or are not scenario files is refused member by member,
    each line in Chinese (第…, 不接受…) naming the zip and the member, with no English of the
    upload's problems (``problem.upload.*``) left."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../evil.yaml", "name: x")
        archive.writestr("tool.exe", "MZ")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params["lang"] = "zh"
    at.run()
    at.radio(key="source").set_value("Upload").run()
    at.file_uploader(key="upload").upload("mine.zip", buffer.getvalue(), "application/zip")
    at.run()
    shown = [e.value for e in at.error]
    with use_language("zh"):
        leaves, member_type = t("problem.upload.leaves_folder"), t("problem.upload.member_type")
    assert any("mine.zip: ../evil.yaml" in e and leaves in e for e in shown), shown
    assert any("mine.zip: tool.exe" in e and member_type in e for e in shown), shown
    assert not leftovers(shown, english_fragments(("problem.upload.", "ui.problems."))), shown

"""The app as a planning office reads it (issue 31): names never ids, one unit of money in and out,
changes of coverage in percentage points, Chinese to the last string, the same colour per sector in
both languages, and provinces in one order; driven headless by AppTest on the bundled scenario."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import planner
import planner.store
from planner.i18n.catalog import t, use_language
from tests.catalog_words import english_fragments, leftovers
from tests.test_ui_i18n_tabs import texts_of
from ui import display, language, views

APP = Path(__file__).resolve().parents[1] / "ui" / "app.py"
TIMEOUT_S = 300
IDS = re.compile(r"\b[a-z]+_[a-z_]+\[|\binner_mongolia\b|\bE_star\b|\bz_star\b")
"""Machine names a person should never read: a constraint's id, a region's, a KPI's."""


def page(lang: str, budget: float) -> AppTest:
    """The page with a baseline pinned and the budget cut to ``budget`` (in the page's unit)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params["lang"] = lang
    at.run()
    at.button(key="pin_baseline").click().run()
    at.number_input(key="budget_total").set_value(budget).run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    return at


@pytest.fixture(scope="module")
def english() -> Iterator[AppTest]:
    yield page("en", 1500.0)


@pytest.fixture(scope="module")
def chinese() -> Iterator[AppTest]:
    yield page("zh", 15000.0)  # 亿元, like the KPIs: 1,500 CNY bn


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    (found,) = [d.value for d in at.dataframe if column in d.value.columns]
    return found


def test_the_budget_box_is_in_the_unit_of_the_kpis(chinese: AppTest) -> None:
    """Typing 15,000 亿元 solves for 1,500 CNY bn: the Allocated card says 15,000.0 亿元, and the
    box's label names 亿元 (it said CNY bn beside a KPI in 亿元)."""
    box = chinese.number_input(key="budget_total")
    assert "亿元" in box.label and "CNY" not in box.label
    assert {m.label: m.value for m in chinese.metric}["已分配"] == "15,000.0 亿元"


def test_the_compare_tab_names_kpis_and_provinces_and_counts_coverage_in_points(
    english: AppTest,
) -> None:
    kpis = frame_with(english, "kpi")
    assert not {"E_star", "z_star", "E", "allocated"} & set(kpis["kpi"])
    assert "None" not in kpis.to_string() and not kpis.isna().any().any()
    coverage = kpis.set_index("kpi").loc["least coverage", "delta"]
    assert re.fullmatch(r"[−+]\d+\.\d pp", coverage), coverage
    (by_province,) = [
        d.value for d in english.dataframe if {"region", "delta"} <= set(d.value.columns)
    ]
    assert "Inner Mongolia" in set(by_province["region"])
    assert not [d for d in by_province["delta"] if re.match(r"[-−]0(\.0+)?$", str(d))]
    deltas = {m.label: m.delta for m in english.metric}
    assert deltas["Min coverage"].endswith(" pp")


def shown_texts(at: AppTest) -> list[str]:
    """What the page shows outside the input tables' editors (whose key columns are read back by
    key, docs/i18n.md)."""
    editors = {s for e in at.expander for s in texts_of(e)}
    return [s for s in texts_of(at.main) if s not in editors]


def test_no_machine_name_is_left_on_the_page(english: AppTest) -> None:
    texts = shown_texts(english)
    assert not [s for s in texts if IDS.search(s)], [s for s in texts if IDS.search(s)][:5]


def test_a_cell_without_a_value_is_empty_not_none(english: AppTest) -> None:
    """What matters gave the candidate projects' row of its E table a weight of "None"."""
    (table,) = [
        d.value for d in english.dataframe if list(d.value.columns) == ["name", "weight", "E"]
    ]
    weights = table["weight"]
    assert weights.iloc[-1] == "" and weights.notna().all(), list(weights)


def test_the_binding_sentences_say_money_in_the_pages_unit(chinese: AppTest) -> None:
    """A period's budget of 300 CNY bn is "3,000.0 亿元" in its sentence (the view is sentences, with
    no separate limit column since issue 31's whole sentences), and no sentence says CNY bn."""
    with use_language("zh"):
        label = t("ui.tab.binding")
    (tab,) = [x for x in chinese.tabs if x.label == label]
    text = "\n".join(m.value for m in tab.markdown)
    per_period = 1500.0 / 5 * 10
    assert f"{per_period:,.1f} 亿元" in text
    assert "CNY bn" not in text


def test_the_project_pickers_list_names_and_leave_out_the_mandatory(english: AppTest) -> None:
    base = planner.load_scenario("western_china")
    force_in = english.multiselect(key="projects_force_in")
    optional = [p for p in base.projects if not p.mandatory]
    assert sorted(force_in.options) == sorted(p.name for p in optional)
    exclude = english.multiselect(key="projects_exclude")
    assert "chengdu_tianfu_phase2" not in exclude.options
    assert "Chengdu Tianfu airport phase 2 (T3/T4, two runways)" in exclude.options
    assert force_in.placeholder == "Choose projects"


def test_chinese_leaves_no_english_in_the_status_line_kpis_charts_and_pickers(
    chinese: AppTest,
) -> None:
    """The scenario's ``name_zh``, the KPI card of projects whole, project names in the pickers,
    constraints by name, and none of the app's English labels."""
    captions = " ".join(c.value for c in chinese.caption)
    assert "西部地区基础设施" in captions and "Western China" not in captions
    candidates = len(planner.load_scenario("western_china").projects)
    card = {m.label: m.value for m in chinese.metric}["入选项目"]
    assert re.fullmatch(rf"\d+ / {candidates}", card), card
    exclude = chinese.multiselect(key="projects_exclude")
    assert all(re.search(r"[\u4e00-\u9fff]", o) for o in exclude.options), exclude.options
    assert exclude.placeholder == "选择项目"
    texts = shown_texts(chinese)
    assert not [s for s in texts if IDS.search(s)], [s for s in texts if IDS.search(s)][:5]
    assert not [s for s in texts if s in ("None", "transport", "CNY bn")]
    english_names = {p.name for p in planner.load_scenario("western_china").projects}
    texts = [s for s in texts if s not in english_names]  # the editor's `name` column: data
    left = leftovers(texts, english_fragments(("ui.", "report.kind.", "brief.", "unit.")))
    assert not left, left


def test_no_tables_index_is_headed_in_english_under_chinese(chinese: AppTest) -> None:
    """What matters' parts per province were headed "province" on the Chinese page."""
    names = [str(d.value.index.name) for d in chinese.dataframe if d.value.index.name]
    assert "省份" in names and not [n for n in names if re.fullmatch(r"[A-Za-z_ ]+", n)], names


def test_a_sector_has_one_colour_in_both_languages() -> None:
    plan = planner.solve("western_china")

    def colours(lang: str) -> dict[int, str]:
        with use_language(lang):
            scale = views.sector_scale(plan)
        return dict(enumerate(scale.range))  # by the sector's place in the scenario

    assert colours("en") == colours("zh")
    with use_language("zh"):
        assert views.sector_scale(plan).domain[1] == "交通"


def test_heat_table_and_bars_order_provinces_alike_and_the_table_has_totals() -> None:
    plan = planner.solve("western_china")
    table = views.region_sector(plan)
    bars = views.stacked_bar(plan).to_dict()["encoding"]["x"]["sort"]
    heat = views.heat_table(plan).to_dict()
    order = heat["layer"][0]["encoding"]["y"]["sort"]
    assert order[:-1] == bars and order[-1] == "Total"
    totals = views.with_totals(table)
    rows = totals[totals["total"] & (totals["sector"] == "Total")].set_index("province")["amount"]
    assert rows["Total"] == pytest.approx(plan.allocated_total)
    assert rows["Sichuan"] == pytest.approx(table[table["province"] == "Sichuan"]["amount"].sum())


def test_the_periods_table_is_headed_in_words_in_english_too() -> None:
    """The Periods view was headed "carried_in", "carried_out" in English (only Chinese was worded)."""
    table = views.period_table(planner.solve("western_china"))
    assert table.index.name == "Period" and "Carried in" in table.columns
    assert not [c for c in table.columns if "_" in c]


def test_map_tiles_show_whole_names() -> None:
    """ "Inner Mongolia" was cut to "Inner Mongol" (names were sliced to 12 characters)."""
    chart, _missing = views.tile_map(planner.solve("western_china"))
    spec = chart.to_dict()
    names = [
        v for d in spec["datasets"].values() for row in d for k, v in row.items() if k == "short"
    ]
    assert "Inner Mongolia" in names


def test_signed_changes_never_show_minus_zero() -> None:
    assert display.signed(-0.0004, 3) == "0"
    assert display.signed(-1010.04) == "−1,010.0"
    assert display.points(-0.181) == "−18.1 pp"
    with use_language("zh"):
        assert display.points(0.05) == "+5.0 个百分点"


def test_the_change_heat_map_writes_a_rounding_residue_as_0() -> None:
    """Compare's cells of change by province and sector showed "−0" and "+0" (a d3 format of
    the float); each now carries the signed text of the tables: 0, −12, +8."""
    from ui import analysis

    scenario = planner.load_scenario("western_china")
    baseline = planner.solve(scenario)
    plan = planner.solve(scenario.with_changes(budget=0.8 * scenario.total_budget()))
    spec = analysis.delta_heat(planner.compare(baseline, plan).allocation, plan).to_dict()
    field = spec["layer"][1]["encoding"]["text"]["field"]
    rows = [row for data in spec["datasets"].values() for row in data]
    labels = [row[field] for row in rows]
    assert labels == [display.signed(row["delta"], digits=0) for row in rows]
    assert "0" in labels and not {"−0", "+0", "-0"} & set(labels)
    # sectors and provinces in the scenario's order, as the other charts, in both languages
    assert spec["layer"][0]["encoding"]["x"]["sort"] == list(scenario.sectors)
    with use_language("zh"):
        chinese = analysis.delta_heat(planner.compare(baseline, plan).allocation, plan).to_dict()
    assert chinese["layer"][0]["encoding"]["x"]["sort"][:2] == ["电力", "交通"]


def test_a_binding_corridor_is_named_in_words_not_by_its_key() -> None:
    """The binding view said "The land_sea corridor's shared transport need…" at 80 % of the
    default budget: a key with an underscore is an id to a reader."""
    scenario = planner.load_scenario("western_china")
    plan = planner.solve(scenario.with_changes(budget=0.8 * scenario.total_budget()))
    meanings = planner.explain(plan)["meaning"].tolist()
    assert any("land sea corridor" in m for m in meanings)
    assert not any("land_sea" in m for m in meanings)


def test_switching_the_unit_converts_the_budget_box_and_changes_no_plan() -> None:
    """The total budget (2,507 CNY bn) becomes 25,070 亿元 in the box when the page shows 亿元, and the
    plan stays the one already solved (the box converts; it does not make 2,507 亿元 of it)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    scenario = planner.load_scenario("western_china")
    digest, total = scenario.digest(), scenario.total_budget()
    at.sidebar.radio(key=language.MONEY_KEY).set_value("yi").run()
    box = at.number_input(key="budget_total")
    assert box.value == pytest.approx(10 * total) and "100m" in box.label  # 亿元, worded in English
    assert digest in " ".join(c.value for c in at.caption)
    box.set_value(20_000.0).run()  # 2,000 CNY bn
    assert {m.label: m.value for m in at.metric}["Allocated"] == "20,000.0 CNY 100m"
    at.sidebar.radio(key=language.MONEY_KEY).set_value("scenario").run()
    assert at.number_input(key="budget_total").value == pytest.approx(2_000.0)


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppTest, str]]:
    """The page after the plan was saved as a run with a note and approved on History, and the
    run store it wrote to."""
    url = str(tmp_path_factory.mktemp("runs") / "runs.sqlite")
    patch = pytest.MonkeyPatch()
    patch.setenv("PLANNER_DB_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    at.text_input(key="history_note").input("for the board")
    at.button(key="history_save").click().run()
    at.button(key="history_decide").click().run()
    assert not at.exception and not at.error
    yield at, url
    patch.undo()


def test_history_shows_minutes_decisions_and_notes_and_the_pickers_say_whose_run(
    approved: tuple[AppTest, str],
) -> None:
    at, _url = approved
    runs = frame_with(at, "decision")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", runs["created_at"].iloc[0])
    (table,) = [d for d in at.dataframe if "decision" in d.value.columns]
    order = list(table.proto.column_order)
    assert order.index("decision") < 5 and order.index("note") < 5  # in view at 1440 px
    (label,) = at.selectbox(key="history_open_id").options
    assert "for the board" in label and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", label)
    assert runs["id"].iloc[0] in label


def test_the_briefing_download_names_the_saved_run_and_its_approval(
    approved: tuple[AppTest, str],
) -> None:
    """The Downloads tab's Briefing, after the plan was saved and approved on History, says so."""
    from ui import downloads, history

    at, url = approved

    buttons = [b.proto.label for b in at.get("download_button")]
    assert "Briefing (one page)" in buttons
    plan = at.session_state["planner.last"].plan
    run_id = at.session_state[history.SAVED_KEY][plan.scenario_digest]
    approval = planner.reports.approval_of(planner.store.open(url), run_id)
    (briefing,) = [
        f for f in downloads.report_files(plan, "x", lambda: approval) if f.key == "briefing"
    ]
    html = briefing.build().decode()
    assert run_id in html and "approved" in html and "for the board" in html

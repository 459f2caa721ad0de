"""planner's Streamlit app: pick or upload a scenario, change it, see the plan re-solved.

Run with ``planner ui`` or ``streamlit run ui/app.py``. A thin shell: every number on the page comes from
planner's Python API; this file only lays the page out.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if _HERE.name == "_ui":  # installed wheel: the app ships as planner/_ui
    from planner._ui import (
        access,
        alternatives,
        analysis,
        attribution,
        controls,
        criteria,
        downloads,
        edit,
        history,
        language,
        needs_editor,
        projects,
        replan_tab,
        state,
        views,
    )
else:  # source checkout: ui/ beside planner/; put the checkout first so both come from it
    if sys.path[:1] != [str(_HERE.parent)]:
        sys.path.insert(0, str(_HERE.parent))
    from ui import (
        access,
        alternatives,
        analysis,
        attribution,
        controls,
        criteria,
        downloads,
        edit,
        history,
        language,
        needs_editor,
        projects,
        replan_tab,
        state,
        views,
    )

import streamlit as st  # noqa: E402

from planner import Plan, Scenario  # noqa: E402
from planner.errors import ScenarioError  # noqa: E402
from planner.i18n.catalog import t  # noqa: E402
from planner.i18n.problems import problem_line  # noqa: E402
from planner.i18n.units import shown  # noqa: E402

DEFAULT_ARG = "--scenario"


def main() -> None:
    st.set_page_config(page_title="planner", page_icon="📊", layout="wide")
    language.choose()
    st.title(t("ui.title"))
    if not access.gate():  # signed out or without a role: the sign-in page only, no figures
        return
    try:
        page()
    except (access.AccessDenied, access.LimitExceeded) as err:
        st.error(str(err))
    except ScenarioError as err:
        show_problems(t("ui.scenario_invalid"), [problem_line(p) for p in err.problems])
    except Exception as err:  # a bug in planner: say so in words, never as a traceback
        st.error(t("ui.internal_error", kind=type(err).__name__, message=err))


def page() -> None:
    source = history.opened_source(controls.pick_source(default_scenario()))
    if source.problems:
        show_problems(t("ui.cannot_use", source=source.label), source.problems)
        return
    if source.scenario is None:
        st.info(t("ui.upload_hint"))
        return
    base = source.scenario
    if not access.may("edit"):
        viewed(source, base)
        return
    controls.reset_when_changed(base)
    chosen, split = controls.settings(base)
    regions, profiles, corridors = controls.tables(base)
    need_edits = needs_editor.need_editors(base)
    try:
        scenario = edit.edited_scenario(
            base, chosen, split, regions, profiles, corridors, **need_edits.as_arguments()
        )
        scenario = projects.apply(scenario, base)
        scenario = criteria.apply(scenario, base)
    except ScenarioError as err:
        show_problems(t("ui.settings_invalid"), [problem_line(p) for p in err.problems])
        projects.controls()  # the project edits stay on the page, to be corrected
        return
    with st.spinner(t("ui.solving")):
        solved = access.solve(scenario, base)
    results(scenario, solved)


def viewed(source: controls.Source, base: Scenario) -> None:
    """A viewer's page: the picked scenario's plan as it is, no editor, no uploads."""
    if st.session_state.get(controls.SOURCE_KEY) == "Upload":
        st.info(t("ui.viewer.no_upload"))
        return
    st.caption(t("ui.viewer.caption"))
    criteria.remember(base)
    with st.spinner(t("ui.solving")):
        solved = access.solve(base, base)
    results(base, solved)


def default_scenario() -> str | None:
    """The scenario named on the command line (``planner ui NAME`` passes it after ``--``)."""
    args = sys.argv[1:]
    if DEFAULT_ARG in args and args.index(DEFAULT_ARG) + 1 < len(args):
        return args[args.index(DEFAULT_ARG) + 1]
    return None


def show_problems(title: str, problems: list[str]) -> None:
    key = "ui.problems.one" if len(problems) == 1 else "ui.problems.many"
    st.error(t(key, title=title, count=len(problems)))
    for problem in problems:
        st.error(problem)


def results(scenario: Scenario, solved: state.Solved) -> None:
    plan = solved.plan
    st.caption(status_line(scenario, solved))
    if not plan.is_optimal:
        analysis.diagnosis_section(scenario, plan)
        projects.controls()  # a forced project that made it infeasible can be released here
        criteria.sliders(scenario)  # kept on the page, so their weights survive the rerun
        download_section(scenario, plan)
        return
    baseline = state.baseline()
    views.kpi_cards(plan, baseline)
    st.caption(views.least_covered(plan))
    projects.kpi_cards(plan)
    baseline_buttons(plan, baseline)
    tabs = st.tabs(
        [
            t("ui.tab.allocation"),
            t("ui.tab.map"),
            t("ui.tab.binding"),
            t("ui.tab.periods"),
            t("ui.tab.frontier"),
            t("ui.tab.alternatives"),
            t("ui.tab.compare"),
            t("ui.tab.downloads"),
            t("ui.tab.history"),
            t("ui.tab.criteria"),
            *projects.tab_names(),
            t("ui.tab.replan"),
        ]
    )
    allocation_tab, map_tab, constraints_tab, periods_tab, frontier_tab = tabs[:5]
    alternatives_tab, compare_tab, files_tab, history_tab, criteria_tab = tabs[5:10]
    with allocation_tab:
        left, right = st.columns([1, 1])
        unit = shown(plan.unit).unit
        left.markdown(t("ui.heat_title", unit=unit))
        left.altair_chart(views.heat_table(plan), width="stretch")
        right.markdown(t("ui.stacked_title", unit=unit))
        right.altair_chart(views.stacked_bar(plan), width="stretch")
    with map_tab:
        map_section(plan)
    with constraints_tab:
        analysis.constraints_section(plan, state.live_model(plan))
    with periods_tab:
        st.markdown(t("ui.budget_title", unit=shown(plan.unit).unit))
        st.dataframe(replan_tab.greyed(views.period_table(plan), plan), width="stretch")
    with frontier_tab:
        analysis.frontier_section(scenario, plan)
        st.divider()
        analysis.pareto_section(scenario, plan)
    with alternatives_tab:
        alternatives.alternatives_section(scenario, plan)
    with compare_tab:
        analysis.compare_section(baseline, plan)
        attribution.attribution_section(baseline, plan)
    with files_tab:
        download_section(scenario, plan)
    with history_tab:
        history.history_tab(scenario, plan)
    with criteria_tab:
        criteria.tab(scenario, plan)
    for projects_tab in tabs[10:-1]:
        with projects_tab:
            projects.tab(plan, state.live_model(plan))
    with tabs[-1]:  # actuals.md
        replan_tab.draw(scenario, plan)


def status_line(scenario: Scenario, solved: state.Solved) -> str:
    plan = solved.plan
    how = t(
        "ui.how.rebuilt"
        if solved.rebuilt
        else "ui.how.resolved"
        if solved.solved_now
        else "ui.how.unchanged"
    )
    seconds = plan.timings.get("total_s", 0.0)
    return t(
        "ui.status_line",
        name=scenario.name,
        regions=len(scenario.regions),
        sectors=len(scenario.sectors),
        periods=len(scenario.periods),
        status=t(f"status.{plan.status.replace(' ', '_')}"),
        how=how,
        seconds=f"{seconds:.2f}",
        digest=plan.scenario_digest,
    )


def baseline_buttons(plan: Plan, baseline: Plan | None) -> None:
    left, right, _ = st.columns([1, 1, 4])
    if left.button(
        t("ui.pin"),
        key="pin_baseline",
        help=t("ui.pin_help"),
    ):
        state.pin_baseline(plan)
        st.rerun()
    if baseline is not None and right.button(t("ui.clear"), key="clear_baseline"):
        state.clear_baseline()
        st.rerun()
    if baseline is not None:
        st.caption(t("ui.deltas", digest=baseline.scenario_digest))


def map_section(plan: Plan) -> None:
    left, right = st.columns([3, 2])
    chart, missing = views.tile_map(plan)
    left.markdown(t("ui.map_title"))
    if chart is not None:
        left.altair_chart(chart)
    if missing:
        left.caption(t("ui.no_tile", names=t("list.separator").join(missing)))
    right.markdown(t("ui.floor_title"))
    right.altair_chart(views.coverage_chart(plan), width="stretch")
    below = views.coverage_table(plan)
    below = below[~below["meets_floor"]]
    if len(below):
        right.warning(t("ui.below_floor", names=t("list.separator").join(below["province"])))


def download_section(scenario: Scenario, plan: Plan) -> None:
    """The plan's reports (the CLI's exporters) and the edited scenario, built only when clicked."""
    stem = downloads.file_stem(scenario)
    st.markdown(t("ui.reports_title"))
    download_buttons(downloads.report_files(plan, stem), "report")
    st.markdown(t("ui.scenario_title"))
    download_buttons(downloads.scenario_files(scenario, stem), "scenario")


def download_buttons(files: list[downloads.Download], key: str) -> None:
    """One button per file, side by side; each file is generated when its button is clicked."""
    for column, file in zip(st.columns(max(4, len(files))), files, strict=False):
        column.download_button(
            file.label,
            file.build,
            file_name=file.file_name,
            mime=file.mime,
            key=f"download_{key}_{file.file_name.rsplit('.', 1)[-1]}",
            on_click="ignore",
            help=file.help,
        )


main()

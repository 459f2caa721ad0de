"""planner's Streamlit app: pick or upload a scenario, change it, see the plan re-solved.

Run with ``planner ui`` or ``streamlit run ui/app.py``. A thin shell: every number on the page comes from
planner's Python API; this file only lays the page out.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
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
        funding_tab,
        geomap,
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
        funding_tab,
        geomap,
        history,
        language,
        needs_editor,
        projects,
        replan_tab,
        state,
        views,
    )

import streamlit as st  # noqa: E402
from altair.utils.schemapi import disable_debug_mode  # noqa: E402

from planner import Plan, PlanModel, Scenario  # noqa: E402
from planner.analysis.replan import locked_labels  # noqa: E402
from planner.errors import ScenarioError  # noqa: E402
from planner.i18n.catalog import t  # noqa: E402
from planner.i18n.problems import problem_line  # noqa: E402
from planner.i18n.units import shown  # noqa: E402

DEFAULT_ARG = "--scenario"
LOG = logging.getLogger("planner.ui")

# Altair's debug mode validates every chart part as it is made, on top of the whole chart's
# validation when Streamlit serialises it; on each rerun that was a quarter of the page's time.
# The chart is still validated once, so a bad one still fails loudly.
disable_debug_mode()


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
        LOG.exception("Something went wrong inside planner")  # the traceback, for the operator
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
        scenario = funding_tab.apply(scenario, base)
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
    draw_views(Shown(scenario, plan, baseline, state.live_model(plan)), VIEWS)


# ---- the views, grouped: each is one entry of VIEWS ----


@dataclass(frozen=True)
class Shown:
    """What every view draws from: the page's scenario and plan, the pinned baseline, and the
    session's live model when it still holds this plan (None for a reopened run or a chosen
    alternative)."""

    scenario: Scenario
    plan: Plan
    baseline: Plan | None
    live: PlanModel | None


@dataclass(frozen=True)
class View:
    """One tab of the page: its group's and its own catalog keys, and the function drawing it.
    ``when`` says whether the page has it (the Projects view only with candidate projects)."""

    group: str
    label: str
    draw: Callable[[Shown], None]
    when: Callable[[Shown], bool] = lambda _: True


# The first row of tabs, in order; a group whose views are all absent is not drawn, and a group
# of one view is that view's own tab. (Comments, not docstrings: Streamlit's "magic" would print a
# bare string of this script on the page.)
GROUPS = ("ui.group.plan", "ui.group.projects", "ui.group.analysis", "ui.group.record")


def allocation_view(shown_: Shown) -> None:
    plan = shown_.plan
    left, right = st.columns([1, 1])
    unit = shown(plan.unit).unit
    left.markdown(t("ui.heat_title", unit=unit))
    left.altair_chart(views.heat_table(plan), width="stretch")
    right.markdown(t("ui.stacked_title", unit=unit))
    right.altair_chart(views.stacked_bar(plan), width="stretch")
    locked = locked_labels(plan)
    if locked:  # a re-plan: each period's money, the locked ones greyed (actuals.md)
        st.markdown(t("ui.heat.by_period_title", unit=unit))
        st.caption(t("replan.locked", periods=", ".join(locked)))
        st.altair_chart(views.period_heat_table(plan), width="stretch")


def periods_view(shown_: Shown) -> None:
    st.markdown(t("ui.budget_title", unit=shown(shown_.plan.unit).unit))
    st.dataframe(replan_tab.greyed(views.period_table(shown_.plan), shown_.plan), width="stretch")


def frontier_view(shown_: Shown) -> None:
    analysis.frontier_section(shown_.scenario, shown_.plan)
    st.divider()
    analysis.pareto_section(shown_.scenario, shown_.plan)


def compare_view(shown_: Shown) -> None:
    analysis.compare_section(shown_.baseline, shown_.plan)
    attribution.attribution_section(shown_.baseline, shown_.plan)


# The page's views, in the order they are drawn within their group: a new view is one entry.
VIEWS: list[View] = [
    View("ui.group.plan", "ui.tab.allocation", allocation_view),
    View("ui.group.plan", "ui.tab.map", lambda s: map_section(s.plan)),
    View("ui.group.plan", "ui.tab.periods", periods_view),
    View(
        "ui.group.plan",
        "ui.tab.funding",
        lambda s: funding_tab.draw(s.scenario, s.plan),
        when=lambda s: s.scenario.funding is not None,
    ),
    View(
        "ui.group.projects",
        "ui.tab.projects",
        lambda s: projects.tab(s.plan, s.live, editable=access.may("edit")),
        when=lambda s: bool(s.scenario.projects or projects.page_has_candidates()),
    ),
    View(
        "ui.group.analysis",
        "ui.tab.binding",
        lambda s: analysis.constraints_section(s.plan, s.live),
    ),
    View("ui.group.analysis", "ui.tab.criteria", lambda s: criteria.tab(s.scenario, s.plan)),
    View("ui.group.analysis", "ui.tab.frontier", frontier_view),
    View(
        "ui.group.analysis",
        "ui.tab.alternatives",
        lambda s: alternatives.alternatives_section(s.scenario, s.plan),
    ),
    View("ui.group.analysis", "ui.tab.compare", compare_view),
    View("ui.group.record", "ui.tab.history", lambda s: history.history_tab(s.scenario, s.plan)),
    View("ui.group.record", "ui.tab.replan", lambda s: replan_tab.draw(s.scenario, s.plan)),
    View("ui.group.record", "ui.tab.downloads", lambda s: download_section(s.scenario, s.plan)),
]


def draw_views(shown_: Shown, entries: list[View]) -> None:
    """Two rows of tabs: the groups of :data:`GROUPS`, then each group's views."""
    present = [v for v in entries if v.when(shown_)]
    groups = [(g, [v for v in present if v.group == g]) for g in GROUPS]
    groups = [(g, members) for g, members in groups if members]
    labels = [t(members[0].label if len(members) == 1 else g) for g, members in groups]
    for (_group, members), group_tab in zip(groups, st.tabs(labels), strict=True):
        with group_tab:
            if len(members) == 1:
                members[0].draw(shown_)
                continue
            for view, view_tab in zip(members, st.tabs([t(v.label) for v in members]), strict=True):
                with view_tab:
                    view.draw(shown_)


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
        name=scenario.display_name(),
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
    geomap.draw(plan)  # the real map (or the tile grid, as the reader picks)
    _, right = st.columns([1, 2])
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
    download_buttons(downloads.report_files(plan, stem, lambda: history.approval(plan)), "report")
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
            key=f"download_{key}_{file.key}",
            on_click="ignore",
            help=file.help,
        )


if __name__ == "__main__":
    # Streamlit runs this script as __main__; a heavy run's worker process (multiprocessing's
    # spawn or fork server) imports the parent's main script again as __mp_main__, and must not
    # run the page: it would stop in the sign-in gate on st.user, which a worker has not.
    main()

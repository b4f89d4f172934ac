"""The failure-demand report in the console: the page, its JSON and the hand-offs CSV (HTTP edge).

Any signed-in staff member sees the figures and may download the CSV without
personal data; only an admin may add `names=1`, and every download is audited.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from staffconsole.api.deps import Db, Now, Staff, Today, get_clock, staff_session, to_sign_in
from staffconsole.auth.staff_sessions import NotSignedIn
from staffconsole.report import export as report_export
from staffconsole.report import figures as report
from staffconsole.report import queries, svg
from staffconsole.store.audit import staff_actor
from staffconsole.web import templates

router = APIRouter()
From = Annotated[str, Query(alias="from", max_length=40)]
To = Annotated[str, Query(alias="to", max_length=40)]


def choose_period(
    request: Request, today: date, period: str, first: str, last: str
) -> report.Period:
    """?from=&to= (either may be left out: one day), else ?period=week, else today."""
    zone = get_clock(request).zone
    if first or last:
        start = report.parse_day(first or last, "from")
        end = report.parse_day(last or first, "to")
        return report.Period(start, end, zone)
    if period == "week":
        return report.week_period(today, zone)
    if period not in ("", "today"):
        raise report.BadPeriod(f"period {period[:20]!r} must be today or week")
    return report.today_period(today, zone)


def figures_for(db, period: report.Period, now: datetime) -> dict:
    return report.build(queries.load(db, period.start, period.end), period, now)


def charts(figures: dict) -> dict:
    h, s = figures["handoffs"], figures["sessions"]
    return {
        "split": svg.split_bar(
            "chart-split",
            "Check-ins: kiosk or person",
            ("Completed at the kiosk", s["completed"]),
            ("Handed to a person", s["handed_off"]),
            "check-ins",
        ),
        "causes": svg.bar_chart("chart-causes", "Top causes", figures["causes"], "hand-offs"),
        "reason": svg.bar_chart("chart-reason", "Hand-offs by reason", h["by_reason"], "hand-offs"),
        "step": svg.bar_chart("chart-step", "Hand-offs by step reached", h["by_step"], "hand-offs"),
        "kiosk": svg.bar_chart("chart-kiosk", "Hand-offs by kiosk", h["by_kiosk"], "hand-offs"),
        "hour": svg.column_chart(
            "chart-hour", "Hand-offs by hour of the day", h["by_hour"], "hand-offs"
        ),
        "outcome": svg.bar_chart(
            "chart-outcome", "How hand-offs ended", h["by_outcome"], "hand-offs"
        ),
    }


@router.get("/console/report", include_in_schema=False)
def report_page(
    request: Request,
    db: Db,
    now: Now,
    today: Today,
    period: str = "",
    first: From = "",
    last: To = "",
) -> Response:
    try:
        session = staff_session(request, db, now, touch=True)
    except NotSignedIn as e:
        return to_sign_in(e)
    context = {
        "clinic_name": request.app.state.settings.clinic_name,
        "username": session.username,
        "is_admin": session.role == "admin",
        "today": today.isoformat(),
        "error": "",
        "figures": None,
    }
    try:
        chosen = choose_period(request, today, period, first, last)
    except report.BadPeriod as e:
        context["error"] = str(e)
        return _page(request, context, 400)
    figures = figures_for(db, chosen, now)
    context.update(
        figures=figures,
        tab=_tab(chosen, today),
        charts={k: Markup(v) for k, v in charts(figures).items()},
        query=f"from={chosen.first.isoformat()}&to={chosen.last.isoformat()}",
    )
    return _page(request, context, 200)


def _tab(chosen: report.Period, today: date) -> str:
    if chosen == report.today_period(today, chosen.zone):
        return "today"
    if chosen == report.week_period(today, chosen.zone):
        return "week"
    return ""


def _page(request: Request, context: dict, status: int) -> Response:
    response = templates.TemplateResponse(request, "report.html", context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/api/v1/console/report")
def report_json(
    request: Request,
    session: Staff,
    db: Db,
    now: Now,
    today: Today,
    period: str = "",
    first: From = "",
    last: To = "",
):
    """The report's figures for ?from=&to= (clinic-local dates), ?period=week, or today."""
    chosen = choose_period(request, today, period, first, last)  # BadPeriod: 400
    return figures_for(db, chosen, now)


@router.get(
    "/console/report.csv",
    response_class=Response,
    responses={
        200: {
            "description": "the hand-offs as CSV",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def report_csv(
    request: Request,
    session: Staff,
    db: Db,
    now: Now,
    today: Today,
    period: str = "",
    first: From = "",
    last: To = "",
    names: str = "",
):
    """The period's hand-offs as CSV; names=1 adds what patients typed (admins only)."""
    chosen = choose_period(request, today, period, first, last)  # BadPeriod: 400
    with_names = names not in ("", "0")
    if with_names and session.role != "admin":
        raise HTTPException(
            403, "Only an admin may download names; the CSV without names is open to all staff."
        )
    text = report_export.export(
        db,
        chosen,
        actor=staff_actor(session.username),
        with_names=with_names,
        via="console",
        now=now,
    )
    suffix = "-with-names" if with_names else ""
    filename = f"seen-handoffs-{chosen.first.isoformat()}-{chosen.last.isoformat()}{suffix}.csv"
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )

"""Property: any sequence of amendments and undos leaves a plan file that loads, and undoing every amendment in
force gives the original schedule back (issue 12)."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedplan.core.amendments import Amendment, Params, Selection, apply, undone
from schedplan.core.plan_inputs import PlanInputs
from schedplan.load.planfile import open_plan, save_plan
from schedplan.plans.saving import new_saved_plan
from schedplan.plans.sources import calculate

INPUTS = PlanInputs(weight="60kg", height="170cm", anchor_date="2026-01-05")
DONE = calculate("NCT02999633", INPUTS)
PLAN = DONE.plan
SAVED = new_saved_plan(PLAN, protocol_ref="NCT02999633", inputs=INPUTS)
KEYS = [e.key for e in PLAN.events]
DOSED = [e.key for e in PLAN.events if e.dose is not None]
AT = "2026-01-05T08:00:00+01:00"

one = st.sampled_from(KEYS)
ops = st.one_of(
    st.tuples(st.just("hold"), one),
    st.tuples(st.just("delay"), one, st.integers(1, 30), st.booleans()),
    st.tuples(st.just("delay-cycle"), st.integers(1, 2), st.integers(1, 30)),
    st.tuples(st.just("modify"), st.sampled_from(DOSED), st.integers(1, 200)),
    st.tuples(st.just("modify-from"), st.integers(1, 2), st.integers(1, 200)),
    st.tuples(st.just("given"), one, st.one_of(st.none(), st.integers(1, 5000))),
    st.tuples(st.just("undo"), st.integers(0, 1000)),
)


def _amendment(n: int, op: tuple, listed: list[Amendment]) -> Amendment | None:
    kind = op[0]
    common = {"number": n, "by": "tester", "at": AT, "reason": "a reason"}
    if kind == "hold":
        return Amendment(kind="hold", select=Selection(key=op[1]), **common)
    if kind == "delay":
        return Amendment(
            kind="delay", select=Selection(key=op[1], and_later=op[3]), params=Params(days=op[2]), **common
        )
    if kind == "delay-cycle":
        return Amendment(kind="delay", select=Selection(cycle=op[1]), params=Params(days=op[2]), **common)
    if kind == "modify":
        return Amendment(kind="modify", select=Selection(key=op[1]), params=Params(percent=Decimal(op[2])), **common)
    if kind == "modify-from":
        return Amendment(
            kind="modify",
            select=Selection(drug="isatuximab", from_cycle=op[1]),
            params=Params(percent=Decimal(op[2])),
            **common,
        )
    if kind == "given":
        params = Params(dose=Decimal(op[2]), unit="mg") if op[2] is not None else Params()
        return Amendment(kind="given", select=Selection(key=op[1]), params=params, **{**common, "reason": None})
    gone = undone(listed)
    open_ = [a.number for a in listed if a.number not in gone]
    if not open_:
        return None
    return Amendment(kind="undo", params=Params(undo=open_[op[1] % len(open_)]), **common)


def _view(events):
    return [(e.key, e.date, e.dose, getattr(e, "status", "planned")) for e in events]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ops, max_size=12))
def test_any_amendments_and_undos_load_and_undoing_all_gives_the_original(steps):
    listed: list[Amendment] = []
    for op in steps:
        a = _amendment(len(listed) + 1, op, listed)
        if a is not None:
            listed.append(a)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "plan.json"
        save_plan(path, SAVED.updated(amendments=tuple(listed)))
        loaded = open_plan(path)
    assert loaded.amendments == tuple(listed)
    policy = DONE.site.policy if DONE.site else None
    apply(PLAN, loaded.amendments, policy=policy)  # applies without error
    gone = undone(listed)
    for a in list(listed):
        if a.kind != "undo" and a.number not in gone:
            listed.append(
                Amendment(
                    number=len(listed) + 1, kind="undo", params=Params(undo=a.number), by="t", at=AT, reason="back"
                )
            )
    restored = apply(PLAN, listed, policy=policy)
    assert _view(restored.plan.events) == _view(PLAN.events)
    assert restored.not_applying == []  # every amendment is undone: none is left to apply

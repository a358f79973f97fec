"""Keys typed faster than a busy app handles them land in order, in the field they were typed into, and the plan
shown is the plan of the form once typing stops (user test: `162.5lb` typed fast under load became `62.5lb`)."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from textual import events
from textual.app import App
from textual.pilot import Pilot, _get_mouse_message_arguments
from textual.widgets import Input, Select

from schedplan.tui import app as app_module
from schedplan.tui.planning import FormValues
from schedplan.tui.widgets.form import PatientForm

NK = "NCT07256210"
KG_PER_LB = Decimal("0.45359237")  # the international avoirdupois pound (1959), exact
CHOICES = {"donor": "haploidentical", "conditioning": "treosulfan", "nk_dose_level": "1"}
CHARS = {".": "full_stop", "-": "minus", " ": "space", "/": "slash"}


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[FormValues]:
    """A busy machine: every calculation takes 0.2 s (keys typed meanwhile queue up); records the form it read."""
    seen: list[FormValues] = []
    real = app_module.compute

    def slow(entry, values, **kw):
        time.sleep(0.2)
        seen.append(values)
        return real(entry, values, **kw)

    monkeypatch.setattr(app_module, "compute", slow)
    return seen


def burst(app: App[None], *keys: str) -> None:
    """Keys as a terminal delivers them to a busy app: all queued at once, none waiting for the one before."""
    for key in keys:
        name = CHARS.get(key, key)
        char = key if len(key) == 1 else {"space": " "}.get(key)
        event = events.Key(name, char)
        event.set_sender(app)
        app.post_message(event)


def click(app: App[None], selector: str) -> None:
    """A click as the terminal delivers it (button down, button up), queued behind the keys before it."""
    where = _get_mouse_message_arguments(app.query_one(selector), (1, 0), button=1)
    for kind in (events.MouseDown, events.MouseUp):
        event = kind(**where)
        event.set_sender(app)
        app.post_message(event)


async def settle(pilot: Pilot, computed: list[FormValues]) -> None:
    """Wait until the app is quiet and its last calculation read the form as it stands."""
    app = pilot.app
    form = app.query_one(PatientForm)
    for _ in range(200):
        await pilot.pause(0.05)
        if app._message_queue.empty() and computed and computed[-1] == form.values():
            await pilot.pause(0.05)
            if computed[-1] == form.values():
                return
    raise AssertionError(f"never settled: form {form.values()}, last calculated {computed[-1:]}")


async def start(pilot: Pilot, computed: list[FormValues], weight: str = "70", height: str = "175") -> None:
    """A complete patient on the NK protocol; the weight field focused."""
    app = pilot.app
    await pilot.pause()
    app.query_one("#f-weight", Input).value = weight
    app.query_one("#f-height", Input).value = height
    app.query_one("#f-anchor", Input).value = "2027-03-15"
    for key, choice in CHOICES.items():
        app.query_one(f"#f-choice-{key}", Select).value = choice
    app.query_one("#f-weight", Input).focus()
    await settle(pilot, computed)


def value(app: App[None], fid: str) -> str:
    return app.query_one(f"#f-{fid}", Input).value


async def test_162_5lb_typed_fast_after_backspaces_is_162_5lb_not_62_5lb(app_factory, computed):
    """Backspace is an Input binding run when the key reaches the app; a digit typed after it was inserted first
    and the backspace then deleted it (or the unit after it)."""
    app = app_factory(NK)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, computed)
        assert value(app, "weight") == "70"
        field = app.query_one("#f-weight", Input)
        field.cursor_position = len(field.value)
        burst(app, "backspace", "backspace", *"162.5lb")
        await settle(pilot, computed)
        assert value(app, "weight") == "162.5lb"
        assert app.query_one("#f-weight_unit").value == "lb"
        assert app.plan is not None
        assert app.plan.patient.weight_kg == Decimal("162.5") * KG_PER_LB  # 73.7087601... kg, worked by hand


async def test_digits_typed_fast_after_tab_land_in_the_next_field_not_the_one_left(app_factory, computed):
    """Tab moves the focus when the key reaches the app; the digits after it went to the field just left."""
    app = app_factory(NK)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, computed, height="")
        burst(app, "tab", "tab", *"180")  # weight -> its unit -> height
        await settle(pilot, computed)
        assert (value(app, "weight"), value(app, "height")) == ("70", "180")
        assert app.focused is app.query_one("#f-height")
        assert app.plan is not None and app.plan.patient.height_cm == Decimal(180)


async def test_digits_typed_fast_after_shift_tab_land_in_the_field_before(app_factory, computed):
    app = app_factory(NK)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, computed, weight="")
        app.query_one("#f-height", Input).focus()
        await settle(pilot, computed)
        burst(app, "shift+tab", "shift+tab", *"62")  # height -> weight unit -> weight
        await settle(pilot, computed)
        assert (value(app, "weight"), value(app, "height")) == ("62", "175")
        assert app.plan is not None and app.plan.patient.weight_kg == Decimal(62)


async def test_digits_typed_fast_after_enter_land_in_the_next_text_field(app_factory, computed):
    """Enter moved on through a message handled later; the next keys went to the field just left. Enter goes to the
    next text field (weight -> height: the unit beside it is set by typing it, or with Tab)."""
    app = app_factory(NK)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, computed, weight="", height="")
        burst(app, *"70", "enter", *"175", "enter")
        await settle(pilot, computed)
        assert (value(app, "weight"), value(app, "height")) == ("70", "175")
        assert app.plan is not None and (app.plan.patient.weight_kg, app.plan.patient.height_cm) == (70, 175)


async def test_a_date_typed_fast_after_enter_from_measured_bsa_lands_in_measured_on(app_factory, computed):
    app = app_factory(NK)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, computed)
        app.query_one("#f-bsa", Input).focus()
        await settle(pilot, computed)
        burst(app, *"1.8", "enter", *"2027-03-01")
        await settle(pilot, computed)
        assert (value(app, "bsa"), value(app, "measured_on")) == ("1.8", "2027-03-01")
        assert app.focused is app.query_one("#f-measured_on")


async def test_a_fast_burst_is_calculated_once_from_the_form_as_typed(app_factory, computed):
    """Calculating after every key made a busy app fall further behind; a burst is calculated once, from the form
    as it stands after the last key - never from a half-typed value."""
    app = app_factory(NK)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, computed)
        before = len(computed)
        field = app.query_one("#f-weight", Input)
        field.cursor_position = len(field.value)
        burst(app, "backspace", "backspace", *"81.5")
        await settle(pilot, computed)
        assert len(computed) - before == 1
        assert computed[-1].weight == "81.5"
        assert app.plan is not None and app.plan.patient.weight_kg == Decimal("81.5")


async def test_a_click_between_keys_typed_fast_takes_effect_between_them(app_factory, computed):
    """Keys typed before a click land before it (in the field then focused), keys after it in the field clicked."""
    app = app_factory(NK)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, computed, height="")
        field = app.query_one("#f-weight", Input)
        field.cursor_position = len(field.value)
        burst(app, "backspace", "backspace", *"65")
        click(app, "#f-height")
        burst(app, *"170")
        await settle(pilot, computed)
        assert (value(app, "weight"), value(app, "height")) == ("65", "170")
        assert app.plan is not None and (app.plan.patient.weight_kg, app.plan.patient.height_cm) == (65, 170)


async def test_digits_typed_fast_after_esc_from_the_views_land_in_the_form_field(app_factory, computed):
    """Esc from the views focuses the form field last used (a focus() call the app runs after the key); the digits
    after it went to the calendar. On arriving by key the field's text is selected: typing replaces it."""
    app = app_factory(NK)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, computed)
        app.query_one("#calendar").focus()
        await settle(pilot, computed)
        assert not app.query_one("#form-box").display  # 80 columns: the views have the room
        burst(app, "escape", *"65")
        await settle(pilot, computed)
        assert app.focused is app.query_one("#f-weight")
        assert value(app, "weight") == "65"
        assert app.plan is not None and app.plan.patient.weight_kg == Decimal(65)


async def test_digits_typed_fast_after_f2_from_the_views_land_in_the_form_field(app_factory, computed):
    """F2 (a key the app takes first) shows the form and focuses its field after the key; the digits after it went
    to the calendar."""
    app = app_factory(NK)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, computed)
        app.query_one("#calendar").focus()
        await settle(pilot, computed)
        burst(app, "f2", *"65")
        await settle(pilot, computed)
        assert app.focused is app.query_one("#f-weight")
        assert value(app, "weight") == "65"


@pytest.mark.parametrize(
    ("keys", "shown"),
    [
        (("f4", "f3"), "tab-calendar"),
        (("f5", "f3"), "tab-calendar"),
        (("f4", "f5", "f3"), "tab-calendar"),
        (("f5", "f4", "f3"), "tab-calendar"),
        (("f4", "f5", "f4"), "tab-month"),
    ],
)
async def test_view_keys_typed_fast_end_on_the_last_view_asked_for(app_factory, computed, keys, shown):
    """User test (tmux, keys sent together): F4 F3 stayed on Month - the last key was lost when it went back to a
    view already visited in the burst."""
    from textual.widgets import TabbedContent

    app = app_factory(NK)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, computed)
        app.query_one("#calendar").focus()
        await settle(pilot, computed)
        burst(app, *keys)
        await settle(pilot, computed)
        await pilot.pause(0.3)
        assert app.query_one(TabbedContent).active == shown

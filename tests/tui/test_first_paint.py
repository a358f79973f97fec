"""The start without a protocol (issue 8): the picker is drawn first, alone; the form and the views come after it
and the screen a chosen protocol gives is the one a start with that protocol gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import OptionList, Static, TabbedContent

from schedplan.cli import main
from schedplan.tui.widgets.calendar import ScheduleList
from schedplan.tui.widgets.doses import DoseCheck
from schedplan.tui.widgets.form import PatientForm
from schedplan.tui.widgets.month import MonthGrid
from schedplan.tui.widgets.picker import ProtocolPicker

SHIPPED = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "protocols").glob("*.yaml"))
PLAN_WIDGETS = (PatientForm, TabbedContent, ScheduleList, MonthGrid, DoseCheck)


def _plan_widgets(app) -> list[str]:
    """The plan's widgets on the app's own screen (under any dialog)."""
    base = app.screen_stack[0]
    return [kind.__name__ for kind in PLAN_WIDGETS for _ in base.query(kind)]


def _screen_text(app) -> list[str]:
    """What the terminal shows, line by line, as plain text."""
    return [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]


async def test_the_start_without_a_protocol_draws_the_picker_before_the_form_and_the_views(app_factory):
    app = app_factory()
    under_first_frame: list[list[str]] = []
    display = app._display

    def first_frame(screen, renderable) -> None:  # the first frame written (none is while the app is mounting)
        if (
            renderable is not None
            and not app._batch_count
            and isinstance(screen, ProtocolPicker)
            and not under_first_frame
        ):
            under_first_frame.append(_plan_widgets(app))
        display(screen, renderable)

    app._display = first_frame
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert under_first_frame == [[]]  # nothing of the plan was composed, styled or drawn before the picker
        assert isinstance(app.screen, ProtocolPicker)
        listed = app.screen.query_one("#picker-list", OptionList)
        assert [listed.get_option_at_index(i).id for i in range(listed.option_count)] == SHIPPED
        assert app.focused is app.screen.query_one("#picker-filter")
        # once it is on screen the rest is there under it, as before: one of each, the status saying what to do
        assert _plan_widgets(app) == [kind.__name__ for kind in PLAN_WIDGETS]
        status = app.screen_stack[0].query_one("#status", Static)
        assert str(status.render()) == "No protocol: press F7 or / to pick one."


@pytest.mark.parametrize("when", ["typed ahead", "as the picker is drawn"])
async def test_keys_pressed_at_start_wait_for_the_widgets_they_work_on(app_factory, when):
    """F2-F5 reach the app over the picker (priority keys): pressed before the form and the views are mounted
    under it - typed ahead, while the app was still starting, or the moment the picker is drawn - they wait for
    them (they found no form or tabs: the app stopped)."""
    app = app_factory()
    pressed: list[str] = []

    def press() -> None:  # as the terminal's input thread hands them over
        pressed.extend(["f2", "f5"])
        for key in pressed:
            app.post_message(events.Key(key, None))

    if when == "typed ahead":  # read from the terminal before the app has composed its screen
        compose = app.compose

        def composed():
            press()
            yield from compose()

        app.compose = composed
    else:
        display = app._display

        def first_frame(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None and not app._batch_count and not pressed:  # the first frame written
                press()

        app._display = first_frame
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert pressed and isinstance(app.screen, ProtocolPicker) and app.is_running
        assert app.screen_stack[0].query_one(TabbedContent).active == "tab-doses"  # F5 was done, after the mount


async def test_a_protocol_chosen_at_start_gives_the_screen_a_start_with_it_gives(app_factory):
    picked = app_factory()
    async with picked.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        for key in "7256":
            await pilot.press(key)
        await pilot.press("enter")
        await pilot.pause()
        assert picked.entry is not None and picked.entry.protocol.id == "NCT07256210"
        tree = [(type(w).__name__, w.id) for w in picked.screen.walk_children()]
        focused = picked.focused.id if picked.focused else None
        shown = _screen_text(picked)
    given = app_factory("NCT07256210")
    async with given.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert [(type(w).__name__, w.id) for w in given.screen.walk_children()] == tree
        assert (given.focused.id if given.focused else None) == focused == "f-weight"
        assert _screen_text(given) == shown
        assert any("NCT07256210" in line for line in shown) and any("Weight" in line for line in shown)


@pytest.mark.parametrize("target", ["NCT07256210", "plan file"])
async def test_a_start_with_a_protocol_or_a_plan_file_composes_the_form_and_the_views_at_once(
    app_factory, tmp_path, target
):
    if target == "plan file":
        plan = tmp_path / "p.json"
        argv = ["plan", "NCT06885476", "--weight", "70kg", "--height", "175cm", "--anchor-date", "2027-03-15"]
        assert main([*argv, "--save", str(plan)]) == 0
        target = str(plan)
    app = app_factory(target)
    frames: list[list[str]] = []
    display = app._display

    def first_frame(screen, renderable) -> None:
        if renderable is not None and not app._batch_count and not frames:
            frames.append(_plan_widgets(app))
        display(screen, renderable)

    app._display = first_frame
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert frames == [[kind.__name__ for kind in PLAN_WIDGETS]]
        assert not isinstance(app.screen, ProtocolPicker)
        if target.endswith(".json"):  # a plan file opens at its calendar, the plan made
            assert app.plan is not None and app.focused is app.query_one(ScheduleList)


async def test_an_enter_typed_ahead_at_start_chooses_the_protocol(app_factory):
    """User test (tmux): keys typed before the app takes the terminal go through the terminal's line handling,
    which makes Enter a newline: the app reads ctrl+j. The letters survived, the Enter was lost, and the picker
    stayed open. In the picker ctrl+j chooses, as Enter does."""
    from schedplan.tui.widgets.form import PatientForm

    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"07256", "ctrl+j")
        await pilot.pause()
        assert not isinstance(app.screen, ProtocolPicker)
        assert app.entry is not None and app.entry.protocol.id == "NCT07256210"
        assert app.query_one(PatientForm) is not None

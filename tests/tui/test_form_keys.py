"""On the form no key is a view's command (a hurried nurse on a selector typed e, v, q, 1), and Tab goes round the
form: at 80 columns one Tab too many swapped the form out of sight (user-test findings)."""

from __future__ import annotations

from textual.widgets import Button, Input, Select, TabbedContent

from schedplan.tui.dialogs import HELP, HelpScreen
from schedplan.tui.widgets.form import PatientForm
from tests.tui.helpers import patient

NK = "NCT07256210"
CHOICES = {"donor": "haploidentical", "conditioning": "treosulfan", "nk_dose_level": "1"}


async def planned(pilot) -> None:
    """A complete NK plan (so that export, copy and the double check would have something to act on)."""
    app = pilot.app
    await patient(pilot)
    for key, choice in CHOICES.items():
        app.query_one(f"#f-choice-{key}", Select).value = choice
    await pilot.pause()
    assert app.plan is not None


async def test_letters_and_digits_on_a_selector_are_never_view_commands(app_factory):
    app = app_factory(NK)
    async with app.run_test(size=(80, 24)) as pilot:
        await planned(pilot)
        before = app.plan
        for fid in ("weight_unit", "sex", "choice-donor"):
            app.query_one(f"#f-{fid}", Select).focus()
            await pilot.pause()
            value = app.query_one(f"#f-{fid}", Select).value
            for key in ("e", "v", "c", "w", "1", "2", "3", "slash", "question_mark", "q"):
                await pilot.press(key)
                await pilot.pause()
                assert app.screen is app.screen_stack[0], f"{key} on {fid} opened {app.screen}"
                assert app.is_running, f"{key} on {fid} quit"
                assert app.focused is app.query_one(f"#f-{fid}"), f"{key} on {fid} moved the focus to {app.focused}"
                assert app.query_one(TabbedContent).active == "tab-calendar"
                assert app.query_one(f"#f-{fid}", Select).value == value
        assert app.plan == before
        assert "e" not in app.screen.active_bindings  # the footer offers no letter on the form
        # refused aloud, not silently dropped
        assert any("not typed" in n.message for n in app._notifications)


async def test_a_letter_on_a_form_button_is_not_a_command(app_factory):
    app = app_factory(NK)
    async with app.run_test(size=(80, 24)) as pilot:
        await planned(pilot)
        form = app.query_one(PatientForm)
        form.add_override("BSA_CAP", "checked with the consultant")  # shows a Remove button on the form
        await pilot.pause()
        app.query_one(".remove-override", Button).focus()
        await pilot.pause()
        await pilot.press("e", "q")
        await pilot.pause()
        assert app.screen is app.screen_stack[0] and app.is_running
        assert form.overrides == {"BSA_CAP": "checked with the consultant"}


async def test_the_same_letters_on_the_views_do_what_they_say(app_factory):
    app = app_factory(NK)
    async with app.run_test(size=(80, 24)) as pilot:
        await planned(pilot)
        app.query_one("#calendar").focus()
        await pilot.pause()
        assert app.screen.active_bindings["e"].binding.action == "export"  # the footer offers it here
        await pilot.press("3")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "tab-doses"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_tab_past_the_last_control_of_the_form_goes_round_to_the_first_at_80_columns(app_factory):
    app = app_factory(NK)
    async with app.run_test(size=(80, 24)) as pilot:
        await planned(pilot)
        form = app.query_one(PatientForm)
        stops = [w for w in app.screen.focus_chain if form in w.ancestors]
        first, last = stops[0], stops[-1]
        assert first is app.query_one("#f-weight") and last is app.query_one("#f-labs")  # no stop or override shown
        last.focus()
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is first
        assert app.query_one("#form-box").display
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.focused is last
        assert app.query_one("#form-box").display
        # from the last: every control in turn, and never out of the form
        seen = []
        for _ in range(len(stops)):
            await pilot.press("tab")
            await pilot.pause()
            seen.append(app.focused)
            assert app.query_one("#form-box").display
        assert seen == stops
        # the views are reached on purpose, and Esc comes back to the same field
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is not None and form not in app.focused.ancestors
        assert not app.query_one("#form-box").display  # 80 columns: the views take the room
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is seen[-1] and app.query_one("#form-box").display


async def test_enter_goes_to_the_next_text_field_skipping_a_unit_selector(app_factory):
    app = app_factory(NK)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is app.query_one("#f-weight")
        for key in ("7", "0", "enter", "1", "7", "5", "enter"):
            await pilot.press(key)
        await pilot.pause()
        assert app.query_one("#f-weight", Input).value == "70"
        assert app.query_one("#f-height", Input).value == "175"
        assert app.focused is app.query_one("#f-bsa")  # sex and the BSA formula are selectors: Tab reaches them


def test_the_help_says_what_the_keys_do_on_the_form():
    assert "round the form" in HELP
    assert "next text field" in HELP
    assert "never a command" in HELP
    assert "outside a field" not in HELP

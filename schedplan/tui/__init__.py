"""The terminal UI: the only package that imports textual. Build the app with schedplan.commands.tui.make_app."""

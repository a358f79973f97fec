"""The application layer: make, save, open, replan, amend, export, print, publish and verify a plan, as functions on
typed values.

The command line and the terminal UI both call these; every change to a plan file goes through
load.planfile's one locked read-modify-write path. Modules: sources (protocols, site policies, calculating),
saving (new plans, --replace, the UI's saves), exporting (calendars), printing (PDF and HTML printouts),
publishing (CalDAV calendars), replanning, amending (holds, delays, modifications, doses given),
checking (double checks), session (the plan file the terminal UI has open).
"""

"""What starting schedplan costs in imports: --version and --help import no command and no pydantic; a command
imports only its own module (checked in a fresh interpreter; the times are in bench/, not here)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _modules_after(*argv: str) -> set[str]:
    code = (
        "import sys, schedplan.cli as c\n"
        "try: c.main(sys.argv[1:])\n"
        "except SystemExit: pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=120)
    return set(r.stderr.split())


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_import_no_command_and_no_pydantic(flag):
    loaded = _modules_after(flag)
    assert "schedplan.cli" in loaded
    assert not {m for m in loaded if m.startswith(("pydantic", "schedplan.commands.", "pendulum"))}


def test_a_command_imports_only_its_own_module():
    loaded = _modules_after("protocols", "--format", "json")
    assert {m for m in loaded if m.startswith("schedplan.commands.")} == {"schedplan.commands.protocols"}


# --- pydantic's plugin search (issue 8): schedplan uses no pydantic plugin ---------------------------------

_PLAN = (
    "plan",
    "NCT07256210",
    "--weight",
    "70kg",
    "--height",
    "175cm",
    "--anchor-date",
    "2027-03-15",
    "--set",
    "donor=haploidentical",
    "--set",
    "conditioning=treosulfan",
    "--set",
    "nk_dose_level=1",
    "--format",
    "json",
)


def test_a_plan_does_not_search_installed_packages_for_pydantic_plugins():
    # pydantic looks for plugins in every installed package's entry points at its first schema, unless
    # PYDANTIC_DISABLE_PLUGINS says there are none; entry_points is patched before pydantic's loader imports it
    code = (
        "import sys, importlib.metadata as m\n"
        "asked = []\n"
        "found = m.entry_points\n"
        "def entry_points(**kw):\n"
        "    asked.append(kw.get('group'))\n"
        "    return found(**kw)\n"
        "m.entry_points = entry_points\n"
        "import schedplan.cli as c\n"
        "code = c.main(sys.argv[1:])\n"
        "print('searched:', 'pydantic' in asked, 'exit:', code, file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", code, *_PLAN], capture_output=True, text=True, timeout=120)
    assert "searched: False exit: 0" in r.stderr, r.stderr


def test_pydantic_plugins_off_does_not_leak_to_child_processes_or_after_main(cli, monkeypatch):
    import os

    from schedplan import cli as cli_module

    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    seen: dict[str, object] = {}

    def run(args):
        seen["here"] = os.environ.get("PYDANTIC_DISABLE_PLUGINS")
        child = subprocess.run(
            [sys.executable, "-c", "import os; print(os.environ.get('PYDANTIC_DISABLE_PLUGINS'))"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        seen["child"] = child.stdout.strip()
        return 0

    real = cli_module.command_module

    def stub(name):
        module = real(name)
        monkeypatch.setattr(module, "run", run)
        return module

    monkeypatch.setattr(cli_module, "command_module", stub)
    assert cli("protocols").code == 0
    assert seen == {"here": "__all__", "child": "None"}
    assert "PYDANTIC_DISABLE_PLUGINS" not in os.environ


def test_a_users_pydantic_plugins_setting_is_kept(cli, monkeypatch):
    import os

    from schedplan import cli as cli_module

    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "logfire")
    seen: dict[str, object] = {}

    def run(args):
        seen["here"] = os.environ.get("PYDANTIC_DISABLE_PLUGINS")
        return 0

    real = cli_module.command_module

    def stub(name):
        module = real(name)
        monkeypatch.setattr(module, "run", run)
        return module

    monkeypatch.setattr(cli_module, "command_module", stub)
    assert cli("protocols").code == 0
    assert seen == {"here": "logfire"}
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "logfire"


def test_a_plan_without_a_site_policy_does_not_load_the_policy_models():
    # core.policy (14 models) is needed only when a policy is in force (start-up, issue 8); the test's own empty
    # config folder (conftest) means no site.yaml applies
    loaded = _modules_after(*_PLAN)
    assert "schedplan.core.schedule" in loaded  # the plan was calculated
    assert "schedplan.core.policy" not in loaded


def test_a_plan_with_a_site_policy_still_applies_it(cli):
    r = cli(*_PLAN, "--site", "example-astct-2014")
    assert r.code == 0, r.err
    assert "site policy: " in r.err and "example-astct-2014" in r.err


# --- the garbage collector during start-up (issue 8) ---------------------------------------------------------

_GC_PROBE = (
    "import gc, sys\n"
    "from schedplan import cli\n"
    "found = cli.command_module\n"
    "def probe(name):\n"
    "    module = found(name)\n"
    "    def run(args):\n"
    "        print('collector on:', gc.isenabled(), 'start-up frozen:', gc.get_freeze_count() > 0, file=sys.stderr)\n"
    "        return 0\n"
    "    module.run = run\n"
    "    return module\n"
    "cli.command_module = probe\n"
)


def test_as_the_program_start_up_objects_are_frozen_and_the_collector_is_on_for_the_command():
    # main() without argv is schedplan as this process's program (the console script, python -m schedplan)
    code = _GC_PROBE + "sys.exit(cli.main())"
    r = subprocess.run([sys.executable, "-c", code, "protocols"], capture_output=True, text=True, timeout=120)
    assert "collector on: True start-up frozen: True" in r.stderr, r.stderr


def test_called_with_arguments_main_leaves_the_collector_alone():
    # in-process callers (the tests, a script) keep their collector as it was: nothing frozen, still on
    code = _GC_PROBE + "sys.exit(cli.main(['protocols']))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "collector on: True start-up frozen: False" in r.stderr, r.stderr


def test_a_collector_turned_off_before_main_stays_off():
    code = _GC_PROBE.replace("import gc, sys\n", "import gc, sys\ngc.disable()\n") + "sys.exit(cli.main())"
    r = subprocess.run([sys.executable, "-c", code, "protocols"], capture_output=True, text=True, timeout=120)
    assert "collector on: False" in r.stderr, r.stderr


def test_a_usage_error_during_start_up_still_exits_2_with_one_line():
    r = subprocess.run(
        [sys.executable, "-m", "schedplan", "plan", "NCT07256210", "--weight", "70kg"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "error:" in r.stderr

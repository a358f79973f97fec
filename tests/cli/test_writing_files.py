"""Files are written whole or not at all, through links, never over devices; bad destinations are found first."""

from __future__ import annotations

import os

import pytest

from schedplan.cli import main
from schedplan.errors import PlanFileError
from schedplan.load.planfile import write_atomic

ARGS = [
    "plan",
    "NCT07256210",
    "--weight",
    "70kg",
    "--height",
    "175cm",
    "--sex",
    "M",
    "--anchor-date",
    "2027-03-15",
    "--set",
    "donor=haploidentical",
    "--set",
    "conditioning=tbi",
    "--set",
    "nk_dose_level=1",
]


def test_a_link_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "synced" / "cal.ics"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.ics"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_device_or_folder_is_refused(tmp_path):
    with pytest.raises(PlanFileError, match="not a regular file"):
        write_atomic("/dev/null", b"x")
    with pytest.raises(PlanFileError, match="is a directory"):
        write_atomic(tmp_path, b"x")
    with pytest.raises(PlanFileError, match="file name is empty"):
        write_atomic("", b"x")


def test_plan_with_a_bad_save_path_writes_and_prints_nothing(tmp_path, capsys):
    out = tmp_path / "cal.ics"
    code = main([*ARGS, "--format", "ics", "--output", str(out), "--save", str(tmp_path / "missing" / "p.json")])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "" and not out.exists()
    assert "the folder" in captured.err and "does not exist" in captured.err


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "plan.json"
    target.write_text("the old plan")

    def broken_replace(src, dst):  # the crash between writing the temporary file and renaming it
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(PlanFileError, match="No space left"):
        write_atomic(target, b"the new plan")
    assert target.read_text() == "the old plan"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]  # no temporary file left behind


@pytest.mark.parametrize(
    "flag, value, expected",
    [("--weight", "1,000lb", "ambiguous"), ("--measured-on", "2099-01-01", "in the future")],
)
def test_ambiguous_or_impossible_measurements(capsys, flag, value, expected):
    args = [a if a != "70kg" or flag != "--weight" else value for a in ARGS]
    if flag != "--weight":
        args += [flag, value]
    assert main(args) == 2
    assert expected in capsys.readouterr().err

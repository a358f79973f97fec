"""read_bounded: a file over its limit, a device, a FIFO or a folder is refused before anything is read
(a FIFO must not block, /dev/zero must not be read), with one line naming the file and the limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from schedplan.errors import SchedplanError
from schedplan.load.bounded import UnreadableFile, read_bounded
from schedplan.load.yaml_source import PROTOCOL_MAX_BYTES


def test_a_file_within_the_limit_is_read_exactly(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, 100, "a protocol file") == b"x" * 100


def test_a_file_over_the_limit_is_refused_with_the_limit_in_the_message(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_bytes(b"x" * 101)
    with pytest.raises(UnreadableFile) as info:
        read_bounded(path, 100, "a protocol file")
    assert isinstance(info.value, SchedplanError)
    message = str(info.value)
    assert "\n" not in message and str(path) in message and "100 bytes" in message and "101" in message


def test_dev_zero_is_refused_without_reading():
    with pytest.raises(UnreadableFile, match="not a regular file"):
        read_bounded(Path("/dev/zero"), PROTOCOL_MAX_BYTES, "a protocol file")


def test_a_fifo_is_refused_and_does_not_block(guarded_cli, tmp_path):
    fifo = tmp_path / "p.yaml"
    os.mkfifo(fifo)
    run = guarded_cli("check", str(fifo))
    assert run.code == 1, run
    assert "not a regular file" in run.out


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(UnreadableFile, match="folder"):
        read_bounded(tmp_path, 100, "a protocol file")


def test_a_missing_file_is_one_line(tmp_path):
    with pytest.raises(UnreadableFile, match="cannot read"):
        read_bounded(tmp_path / "missing.yaml", 100, "a protocol file")


def test_check_refuses_a_protocol_over_the_documented_limit(cli, tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# padding\n" * (PROTOCOL_MAX_BYTES // 10 + 1))
    run = cli("check", str(path))
    assert run.code == 1
    assert run.out.splitlines() == [run.out.strip()] and "larger than" in run.out


def test_the_limit_is_the_one_documented():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "protocol-format.md").read_text()
    assert f"{PROTOCOL_MAX_BYTES // 1024} KiB" in doc

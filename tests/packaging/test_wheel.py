"""The package a Python user installs from an index: built here (sdist, then the wheel from it), with its
licence, its docs reachable, classifiers, an index-page description and no exact runtime pin (issue 17 item 6)."""

from __future__ import annotations

import email
import importlib.util
import re
import subprocess
import sys
import zipfile
from email.message import Message
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path | None]:
    """(the wheel, the sdist or None), built into a temporary folder."""
    out = tmp_path_factory.mktemp("dist")
    if importlib.util.find_spec("build") is not None:  # sdist first, the wheel from it: both are checked
        cmd = [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)]
    else:
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(out), str(ROOT)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    (wheel,) = out.glob("*.whl")
    sdists = list(out.glob("*.tar.gz"))
    return wheel, sdists[0] if sdists else None


def metadata(wheel: Path) -> Message:
    with zipfile.ZipFile(wheel) as z:
        (name,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_string(z.read(name).decode("utf-8"))


def test_the_wheel_contains_the_licence_and_the_docs(built):
    wheel, _ = built
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        (licence,) = [n for n in names if n.endswith("/LICENSE")]
        assert "MIT License" in z.read(licence).decode()
        for doc in ("protocol-format.md", "site-policy.md"):
            assert f"schedplan/_docs/{doc}" in names, doc
            assert z.read(f"schedplan/_docs/{doc}") == (ROOT / "docs" / doc).read_bytes()


def test_the_metadata_has_classifiers_and_no_exact_runtime_pin(built):
    meta = metadata(built[0])
    classifiers = meta.get_all("Classifier") or []
    assert "License :: OSI Approved :: MIT License" in classifiers
    assert any(c.startswith("Programming Language :: Python :: 3.11") for c in classifiers)
    assert meta["Author"] or meta["Author-email"]
    assert meta["Keywords"]
    runtime = [d for d in meta.get_all("Requires-Dist") or [] if "extra ==" not in d]
    assert runtime and not [d for d in runtime if "==" in d], runtime
    assert any(d.startswith("textual") for d in runtime)


def test_the_long_description_is_written_for_an_index_page(built):
    meta = metadata(built[0])
    assert meta["Description-Content-Type"] == "text/markdown"
    text = meta.get_payload()
    assert "pip install schedplan" in text
    assert ".venv" not in text and "../shared" not in text and "run.py" not in text
    links = re.findall(r"\]\(([^)]+)\)", text)
    assert all(link.startswith("https://") for link in links), links  # no repository-relative links


def test_schedplan_docs_finds_the_docs_in_the_installed_layout(built, tmp_path):
    wheel, _ = built
    with zipfile.ZipFile(wheel) as z:
        z.extractall(tmp_path)
    code = "import schedplan\nfrom schedplan.plans.shipped import docs_dir\n"
    code += "print(schedplan.__file__)\nprint(docs_dir())"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    package, docs = r.stdout.splitlines()
    assert Path(package).resolve().is_relative_to(tmp_path.resolve())  # the unpacked wheel, not the checkout
    assert Path(docs).resolve() == (tmp_path / "schedplan" / "_docs").resolve()


def test_the_sdist_holds_no_plan_or_calendar_file(built):
    import tarfile

    _, sdist = built
    if sdist is None:
        pytest.skip("built with pip wheel: no sdist")
    with tarfile.open(sdist) as t:
        names = [n.split("/", 1)[1] for n in t.getnames() if "/" in n]
    assert "LICENSE" in names
    top = [n for n in names if "/" not in n]
    assert not [n for n in top if n.endswith((".json", ".ics"))], top


def test_gitignore_covers_the_files_the_readmes_commands_write():
    import shutil

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    readme = (ROOT / "README.md").read_text()
    written = set(re.findall(r"--(?:save|output|ics|copy \S+) (\S+\.(?:json|ics|yaml))", readme))
    written |= {"site.yaml"}  # `schedplan policies --copy example-astct-2014 site.yaml`
    assert {"p.json", "p.ics"} <= written, written
    r = subprocess.run(
        ["git", "check-ignore", "--no-index", *sorted(written)], cwd=ROOT, capture_output=True, text=True
    )
    assert sorted(r.stdout.split()) == sorted(written), r.stdout

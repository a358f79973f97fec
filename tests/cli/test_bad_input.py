"""Every bad input to `schedplan plan`: exit status 2, one line on stderr naming what is wrong and what
would be right, nothing on stdout, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PROTOCOLS

NK = "NCT07256210"
PATIENT = {"--weight": "70kg", "--height": "175cm", "--sex": "M", "--anchor-date": "2027-03-15"}
CHOICES = {"donor": "haploidentical", "conditioning": "treosulfan", "nk_dose_level": "1"}


def argv(
    protocol: str = NK, *, drop: tuple[str, ...] = (), sets: dict[str, str] | None = None, **options: str
) -> list[str]:
    """`plan` arguments for the worked patient; options override (``weight="70"``), ``drop`` leaves keys out."""
    opts = dict(PATIENT)
    opts.update({f"--{k.replace('_', '-')}": v for k, v in options.items()})
    args = ["plan", protocol]
    for key, value in opts.items():
        if key not in drop:
            args += [key, value]
    for key, value in (CHOICES if sets is None else sets).items():
        if key not in drop:
            args += ["--set", f"{key}={value}"]
    return [*args, "--format", "json"]


def assert_bad_input(run, *expected: str) -> str:
    """Exit 2, nothing on stdout, exactly one line on stderr, containing each expected piece."""
    assert run.code == 2, (run.code, run.err)
    assert run.out == ""
    assert "Traceback" not in run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    line = lines[0]
    assert line.startswith("schedplan: error: "), line
    for piece in expected:
        assert piece in line, f"{piece!r} not in {line!r}"
    return line


def test_the_worked_patient_plans(cli):
    # the baseline every case below changes one thing in
    run = cli(*argv())
    assert run.code == 0 and run.err == "" and run.out.startswith("{")


# --- protocol ----------------------------------------------------------------------------------------


def test_unknown_protocol_lists_the_shipped_ones(cli):
    assert_bad_input(cli(*argv("NCT00000000")), "'NCT00000000'", NK, ".yaml")


def test_protocol_id_is_case_insensitive(cli):
    assert cli(*argv("nct07256210")).code == 0


def test_protocol_path_that_does_not_exist(cli, tmp_path):
    missing = tmp_path / "nowhere.yaml"
    assert_bad_input(cli(*argv(str(missing))), str(missing), "does not exist")


def test_protocol_path_that_is_a_directory_says_so(cli, tmp_path):
    folder = tmp_path / "protocols.yaml"
    folder.mkdir()
    line = assert_bad_input(cli(*argv(str(folder))), str(folder))
    assert "does not exist" not in line


# --- malformed protocol files --------------------------------------------------------------------------


def write(tmp_path: Path, text: str | bytes, name: str = "broken.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def nk_text() -> str:
    return (PROTOCOLS / f"{NK}.yaml").read_text(encoding="utf-8")


def test_yaml_syntax_error_names_the_file_and_line(cli, tmp_path):
    path = write(tmp_path, "id: NCT1\ntitle: [unclosed\nversion: 1\n")
    assert_bad_input(cli(*argv(str(path))), f"{path}:", "YAML syntax")


def test_unknown_key_names_the_key_and_its_line(cli, tmp_path):
    text = nk_text().rstrip("\n") + "\ncolour: blue\n"
    line_no = text.count("\n")  # the key is on the last line
    path = write(tmp_path, text)
    assert_bad_input(cli(*argv(str(path))), f"{path}:{line_no}:", "unknown key 'colour'")


def test_impossible_day_in_a_protocol(cli, tmp_path):
    text = nk_text().replace("when: {day: 730}", "when: {day: 9999}")
    assert "9999" in text
    path = write(tmp_path, text)
    assert_bad_input(cli(*argv(str(path))), str(path), "+9999", "impossible")


def test_unknown_dose_unit_in_a_protocol(cli, tmp_path):
    text = nk_text().replace("dose: {amount: 8, unit: mg/kg}", "dose: {amount: 8, unit: mg/lb}")
    assert "mg/lb" in text
    path = write(tmp_path, text)
    assert_bad_input(cli(*argv(str(path))), str(path), "mg/lb", "mg/m2")  # names the accepted units


@pytest.mark.parametrize(
    "content, expected",
    [
        ("", "mapping"),
        ("- a list\n- not a protocol\n", "mapping"),
        (b"id: \xff\xfe\n", "UTF-8"),
        ("id: NCT1\nid: NCT2\n", "duplicate key"),
    ],
    ids=["empty", "a-list", "not-utf8", "duplicate-key"],
)
def test_files_that_are_not_protocols(cli, tmp_path, content, expected):
    path = write(tmp_path, content)
    assert_bad_input(cli(*argv(str(path))), str(path), expected)


def test_a_protocol_with_many_problems_reports_one_line_and_points_to_check(cli, tmp_path):
    path = write(tmp_path, "id: NCT1\ntitle: only a title\n")
    assert_bad_input(cli(*argv(str(path))), str(path), "missing required key", "schedplan check")


# --- choices and parameters ----------------------------------------------------------------------------


def test_a_missing_choice_lists_its_accepted_values(cli):
    assert_bad_input(cli(*argv(drop=("nk_dose_level",))), "nk_dose_level", "0 | 1 | 2 | 3", "--set")


def test_all_missing_choices_are_listed_at_once(cli):
    line = assert_bad_input(cli(*argv(sets={})))
    for piece in (
        "donor",
        "haploidentical | matched_related",
        "conditioning",
        "treosulfan | busulfan | tbi",
        "nk_dose_level",
        "0 | 1 | 2 | 3",
    ):
        assert piece in line


@pytest.mark.parametrize(
    "key, value, accepted",
    [
        ("nk_dose_level", "4", "0 | 1 | 2 | 3"),
        ("nk_dose_level", "1.0", "0 | 1 | 2 | 3"),
        ("donor", "unrelated", "haploidentical | matched_related"),
        ("conditioning", "melphalan", "treosulfan | busulfan | tbi"),
    ],
)
def test_a_value_not_among_the_accepted_ones(cli, key, value, accepted):
    sets = dict(CHOICES, **{key: value})
    assert_bad_input(cli(*argv(sets=sets)), key, repr(value), accepted)


def test_a_set_key_the_protocol_does_not_declare(cli):
    sets = dict(CHOICES, melphalan_dose_mg_m2="140")
    assert_bad_input(cli(*argv(sets=sets)), "'melphalan_dose_mg_m2'", "donor, conditioning, nk_dose_level")


@pytest.mark.parametrize("item", ["donor", "=haploidentical", "donor="])
def test_a_set_that_is_not_key_equals_value(cli, item):
    args = argv()
    args[args.index("donor=haploidentical")] = item
    assert_bad_input(cli(*args), repr(item), "KEY=VALUE")


def test_a_choice_given_twice_with_different_values(cli):
    args = [*argv(), "--set", "donor=matched_related"]
    assert_bad_input(cli(*args), "donor", "twice")


# --- weight and height ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "option, value, expected",
    [
        # not a number
        ("weight", "heavy", ("'heavy'", "not a number", "62kg", "kg or lb")),
        ("weight", "seventy kg", ("not a number", "kg or lb")),
        ("height", "tall", ("'tall'", "not a number", "168cm", "cm or in")),
        # no unit
        ("weight", "70", ("'70'", "no unit", "kg or lb")),
        ("height", "175", ("'175'", "no unit", "cm or in")),
        # unknown unit
        ("weight", "70st", ("unknown unit 'st'", "kg or lb")),
        ("weight", "70000g", ("unknown unit 'g'", "kg or lb")),
        ("height", "5.9ft", ("unknown unit 'ft'", "cm or in")),
        ("height", "1.75m", ("unknown unit 'm'", "cm or in")),
        # implausible
        ("weight", "0.5kg", ("implausible", "more than 0.5 kg", "at most 350 kg")),
        ("weight", "350.5kg", ("implausible", "more than 0.5 kg", "at most 350 kg")),
        ("weight", "800lb", ("implausible", "362.87 kg", "at most 350 kg")),  # 800 x 0.45359237 = 362.87
        ("height", "29cm", ("implausible", "from 30 cm to 250 cm")),
        ("height", "251cm", ("implausible", "from 30 cm to 250 cm")),
        ("height", "100in", ("implausible", "254 cm", "from 30 cm to 250 cm")),  # 100 x 2.54
    ],
)
def test_bad_weight_or_height(cli, option, value, expected):
    assert_bad_input(cli(*argv(**{option: value})), option, *expected)


def test_negative_weight(cli):
    # written with "=": argparse takes a bare "-70kg" for an option
    args = [*argv(drop=("--weight",)), "--weight=-70kg"]
    assert_bad_input(cli(*args), "weight", "'-70kg'", "implausible", "more than 0.5 kg")


def test_sex_not_m_or_f(cli):
    assert_bad_input(cli(*argv(sex="X")), "sex", "'X'", "M or F")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("abc", ("'abc'", "not a number", "--bsa 1.85")),
        ("nan", ("'nan'", "not a number", "--bsa 1.85")),
        ("0", ("implausible", "more than 0.1", "at most 5 m2")),
        ("6", ("implausible", "more than 0.1", "at most 5 m2")),
    ],
)
def test_bad_measured_bsa(cli, value, expected):
    assert_bad_input(cli(*argv(bsa=value)), "BSA", *expected)


def test_measured_bsa_may_carry_its_unit(cli):
    # regression: "--bsa 1.85m2" was refused as "not a number" without saying what would be right
    run = cli(*argv(bsa="1.85m2"))
    assert run.code == 0 and '"bsa_m2": 1.85' in run.out


# --- dates ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2027-02-30", ("'2027-02-30'", "February 2027 has 28 days")),
        ("2027-02-29", ("February 2027 has 28 days",)),
        ("2027-13-01", ("'2027-13-01'", "no month 13", "01 to 12")),
        ("2027-04-31", ("April 2027 has 30 days",)),
        ("15/03/2027", ("'15/03/2027'", "YYYY-MM-DD", "2027-03-15")),
        ("1850-01-01", ("1900 to 2200",)),
    ],
)
def test_impossible_anchor_date(cli, value, expected):
    assert_bad_input(cli(*argv(anchor_date=value)), "anchor date", *expected)


# --- weights the protocol's dose needs ------------------------------------------------------------------


def ideal_weight_protocol(tmp_path: Path) -> Path:
    text = nk_text().replace("dose: {amount: 8, unit: mg/kg}", "dose: {amount: 8, unit: mg/kg, weight: ideal}")
    assert "weight: ideal" in text
    return write(tmp_path, text, "ideal.yaml")


def test_a_dose_on_ideal_weight_without_sex_asks_for_sex(cli, tmp_path):
    path = ideal_weight_protocol(tmp_path)
    assert_bad_input(cli(*argv(str(path), drop=("--sex",))), "ideal body weight", "sex")


def test_a_dose_on_ideal_weight_under_five_feet_says_why(cli, tmp_path):
    path = ideal_weight_protocol(tmp_path)
    assert_bad_input(cli(*argv(str(path), height="150cm")), "ideal body weight", "152.4 cm")


def test_a_dose_on_ideal_weight_is_calculated_when_it_can_be(cli, tmp_path):
    # man, 175 cm: IBW 70.46 kg; tocilizumab 8 x 70.46 = 563.68 mg
    path = ideal_weight_protocol(tmp_path)
    run = cli(*argv(str(path)))
    assert run.code == 0 and '"value": 563.68' in run.out


# --- options argparse checks itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, expected",
    [
        (argv(drop=("--weight",)), "--weight"),
        (argv(drop=("--anchor-date",)), "--anchor-date"),
        ([*argv(), "--bsa-formula", "meeh"], "mosteller"),
        ([*argv()[:-1], "xml"], "json"),
    ],
    ids=["no-weight", "no-anchor-date", "unknown-bsa-formula", "unknown-format"],
)
def test_argparse_errors_exit_2_and_name_what_is_accepted(cli, args, expected):
    run = cli(*args)
    assert run.code == 2 and run.out == "" and "Traceback" not in run.err
    assert expected in run.err.strip().splitlines()[-1]


def test_argparse_errors_are_one_line(cli):
    assert_bad_input(cli(*argv(), "--bsa-formula", "meeh"), "mosteller")


# --- the same, as a user runs it -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, expected",
    [
        (argv("NCT00000000"), "NCT07256210"),
        (argv(weight="70"), "no unit"),
        (argv(anchor_date="2027-02-30"), "28 days"),
        (argv(sets=dict(CHOICES, nk_dose_level="9")), "0 | 1 | 2 | 3"),
    ],
    ids=["unknown-protocol", "no-unit", "impossible-date", "value-not-accepted"],
)
def test_bad_input_in_a_real_process_has_no_traceback(cli_process, args, expected):
    assert_bad_input(cli_process(*args), expected)


def test_malformed_protocol_in_a_real_process_has_no_traceback(cli_process, tmp_path):
    path = write(tmp_path, "id: [\n")
    assert_bad_input(cli_process(*argv(str(path))), str(path))

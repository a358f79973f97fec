"""The options several commands share (patient, site policy, choices); parsing lives in schedplan.inputs."""

from __future__ import annotations

import argparse

from schedplan.core.patient import BSAFormula

def add_patient_options(p: argparse.ArgumentParser, *, required: bool = True) -> None:
    g = p.add_argument_group("patient")
    g.add_argument("--weight", required=required, help="actual body weight with its unit: 62kg or 136.7lb")
    g.add_argument("--height", required=required, help="height with its unit: 168cm or 66.1in")
    g.add_argument("--sex", help="M or F (for the ideal and adjusted body weight)")
    g.add_argument(
        "--bsa-formula",
        choices=[f.value for f in BSAFormula],
        help="BSA formula (default: the protocol's, else mosteller)",
    )
    g.add_argument("--bsa", help="a measured BSA in m2 (e.g. 1.85); replaces the formula")


def add_site_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("site policy")
    g.add_argument(
        "--site",
        metavar="FILE",
        help="the site's dosing policy (YAML); default: site.yaml in the config folder, if there is one."
        " `--site example-astct-2014` is the shipped example",
    )
    g.add_argument(
        "--measured-on",
        metavar="YYYY-MM-DD",
        help="when weight and height were measured for the site policy's measurement-age check (default: not given)",
    )


def add_choice_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        dest="set_",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a choice or parameter the protocol declares (repeatable), e.g. --set donor=haploidentical",
    )

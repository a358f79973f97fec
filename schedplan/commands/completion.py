"""`schedplan completion bash|zsh`: a shell completion script generated from the parser (shtab)."""

from __future__ import annotations

import argparse
import sys

SHELLS = ("bash", "zsh")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "completion",
        help="print a shell completion script (bash or zsh)",
        description="Print a completion script for bash or zsh, generated from schedplan's own options."
        " bash: `schedplan completion bash > ~/.local/share/bash-completion/completions/schedplan`;"
        " zsh: `schedplan completion zsh > ~/.zfunc/_schedplan` (with ~/.zfunc in $fpath).",
    )
    p.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import shtab

    parser = args.full_parser()  # every command complete: given by the command line (cli.build_full_parser)
    sys.stdout.write(shtab.complete(parser, shell=args.shell))
    return 0

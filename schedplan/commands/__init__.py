"""The subcommands of the `schedplan` command line, one module each."""

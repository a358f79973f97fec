"""python -m schedplan -> schedplan.cli.main."""

from schedplan.cli import main

raise SystemExit(main())

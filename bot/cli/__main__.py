"""`python -m bot.cli`, the same as the installed `sigap` command."""

from bot.cli import main

raise SystemExit(main())

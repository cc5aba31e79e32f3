"""``python -m autograd`` runs the ``chaingrad`` command (see :mod:`autograd.cli`)."""

from autograd.cli.main import main

raise SystemExit(main())

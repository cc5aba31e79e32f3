"""``python -m autograd`` runs the ``chaingrad`` command (see [`autograd.cli`][autograd.cli])."""

from autograd.cli.main import main

raise SystemExit(main())

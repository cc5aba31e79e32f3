"""The ``chaingrad`` command line (also ``python -m autograd``): the top layer of the library."""

from autograd.cli.main import main

__all__ = ["main"]

"""Tests of the command line, autograd.cli: one module per library module."""

"""Tests of the teaching layer, autograd.teaching: one module per library module."""

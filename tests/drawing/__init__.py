"""Tests of the drawing layer, autograd.drawing: one module per library module."""

"""Segmenta: customer segmentation as real software."""

__version__ = "0.1.0"

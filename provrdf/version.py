"""The version of provrdf, recorded in the ingest log of every store it writes."""

__all__ = ["__version__"]

__version__ = "0.1.0"

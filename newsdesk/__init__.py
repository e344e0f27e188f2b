"""newsdesk: raw news coverage in, a clean, structured record of political events out."""

__version__ = "0.5.0"

__all__ = ["__version__"]

"""A faithful local emulator of the X API v2 and LinkedIn REST endpoints this project uses."""

from tests.emulator.server import Emulator

__all__ = ["Emulator"]

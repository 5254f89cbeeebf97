"""Exceptions raised for failures the library reports; each message names the problem."""


class MuralError(Exception):
    """A failure reported by Mural's library."""


class InvalidArgumentError(MuralError, ValueError):
    """A bad argument: wrong shape or dtype, a non-finite value, an unknown name."""


class UnknownTaskError(MuralError, ValueError):
    """No task has the id; the message lists the valid ids."""


class TaskFileError(MuralError, ValueError):
    """A task file is missing or broken; the message names the file and key."""


class ClosedError(MuralError, RuntimeError):
    """The environment or model was closed."""


class EpisodeStateError(MuralError, RuntimeError):
    """The episode is not running: call reset() first."""


class PhysicsError(MuralError, RuntimeError):
    """The simulation failed (NaN or runaway velocities); reset the environment."""

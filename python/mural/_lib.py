"""The ctypes binding of libMuralC, Mural's C interface (Sources/MuralC).

Every function returns a status code; a non-zero code becomes a Python exception carrying
the library's message, so bad input never takes the interpreter down.
"""

from __future__ import annotations

import ctypes
import json
import os
import pathlib
import sys
import threading

from . import errors

_HERE = pathlib.Path(__file__).resolve().parent
LIBRARY_NAME = "libMuralC.so"

c_float_p = ctypes.POINTER(ctypes.c_float)
c_double_p = ctypes.POINTER(ctypes.c_double)
c_uint8_p = ctypes.POINTER(ctypes.c_uint8)
c_uint64_p = ctypes.POINTER(ctypes.c_uint64)
c_int64_p = ctypes.POINTER(ctypes.c_int64)
c_char_pp = ctypes.POINTER(ctypes.c_void_p)

_u64, _i64, _i32, _str = ctypes.c_uint64, ctypes.c_int64, ctypes.c_int32, ctypes.c_char_p

# name: argument types (every function returns an int32 status)
_SIGNATURES = {
    "mural_env_create": [_str, _str, _str, _i32, c_uint64_p],
    "mural_env_create_from_file": [_str, _str, _i32, c_uint64_p],
    "mural_env_close": [_u64],
    "mural_env_describe": [_u64, c_char_pp],
    "mural_env_reset": [_u64, _u64, c_float_p, c_uint8_p, c_double_p],
    "mural_env_step": [_u64, c_float_p, _i64, c_float_p, c_double_p, c_uint8_p, c_uint8_p, c_uint8_p, c_double_p],
    "mural_env_render": [_u64, _i32, _i32, c_uint8_p],
    "mural_env_get_state": [_u64, c_char_pp],
    "mural_env_set_state": [_u64, _str],
    "mural_examples": [_u64, _i64, _u64, _str, c_float_p, c_float_p],
    "mural_vec_create": [c_uint64_p, _i64, c_uint64_p],
    "mural_vec_close": [_u64],
    "mural_vec_reset": [_u64, c_uint64_p, c_float_p, c_uint8_p, c_double_p],
    "mural_vec_step": [_u64, c_float_p, _i64, c_uint8_p, c_uint64_p, c_float_p, c_double_p,
                       c_uint8_p, c_uint8_p, c_uint8_p, c_double_p],
    "mural_reward_create": [_str, _u64, _str, _str, _u64, c_uint64_p],
    "mural_reward_close": [_u64],
    "mural_reward_describe": [_u64, c_char_pp],
    "mural_reward_update": [_u64, c_float_p, _i64, c_float_p, _i64, _i64, c_int64_p, c_double_p],
    "mural_reward_rewards": [_u64, c_float_p, _i64, _i64, c_uint8_p, c_float_p],
}

# Status codes of Sources/MuralC/Handles.swift, and the exception each raises.
_EXCEPTIONS = {
    1: errors.InvalidArgumentError,
    2: errors.ClosedError,
    3: errors.UnknownTaskError,
    4: errors.TaskFileError,
    5: errors.EpisodeStateError,
    6: errors.PhysicsError,
    7: errors.MuralError,
}


def _library_path() -> pathlib.Path:
    """The bundled library, or $MURAL_LIBRARY (a build tree's .build/release/libMuralC.so)."""
    explicit = os.environ.get("MURAL_LIBRARY")
    path = pathlib.Path(explicit) if explicit else _HERE / LIBRARY_NAME
    if not path.is_file():
        raise ImportError(
            f"mural: the Swift library {path} is missing; install the package with `pip install ./python` "
            "from a Mural checkout (it builds the library with `swift build -c release`), or set MURAL_LIBRARY")
    return path


def _load() -> ctypes.CDLL:
    path = _library_path()
    try:
        # The library's RUNPATH names the runtime directory of the toolchain that built it.
        library = ctypes.CDLL(str(path))
    except OSError as error:
        raise ImportError(
            f"mural: cannot load {path}: {error}. It needs the Swift runtime of the toolchain that built it "
            "(add its usr/lib/swift/linux to LD_LIBRARY_PATH if the toolchain moved) and Debian's libode8, "
            "libopenblas0, libpng16-16 and libgif7") from error
    for name, argtypes in _SIGNATURES.items():
        function = getattr(library, name)
        function.argtypes = argtypes
        function.restype = ctypes.c_int32
    library.mural_last_error.argtypes = []
    library.mural_last_error.restype = ctypes.c_char_p
    library.mural_string_free.argtypes = [ctypes.c_void_p]
    library.mural_string_free.restype = None
    return library


_library = None
_lock = threading.Lock()


def library() -> ctypes.CDLL:
    global _library
    if _library is None:
        with _lock:
            if _library is None:
                _library = _load()
    return _library


def call(name: str, *arguments) -> None:
    """Calls `name`; raises the exception of its status code with the library's message."""
    lib = library()
    status = getattr(lib, name)(*arguments)
    if status != 0:
        message = lib.mural_last_error()
        text = message.decode("utf-8", "replace") if message else f"{name} failed with status {status}"
        raise _EXCEPTIONS.get(status, errors.MuralError)(text)


def call_json(name: str, *arguments) -> dict:
    """Calls a function that returns a JSON string, and parses it."""
    pointer = ctypes.c_void_p()
    call(name, *arguments, ctypes.byref(pointer))
    try:
        return json.loads(ctypes.string_at(pointer.value).decode("utf-8"))
    finally:
        library().mural_string_free(pointer)


def get_json_text(name: str, *arguments) -> str:
    pointer = ctypes.c_void_p()
    call(name, *arguments, ctypes.byref(pointer))
    try:
        return ctypes.string_at(pointer.value).decode("utf-8")
    finally:
        library().mural_string_free(pointer)


def tasks_directory() -> pathlib.Path:
    """$MURAL_TASKS_DIR, else the task files bundled with the package."""
    explicit = os.environ.get("MURAL_TASKS_DIR")
    return pathlib.Path(explicit) if explicit else _HERE / "tasks"


def pointer(array, ctype):
    """A ctypes pointer to a contiguous numpy array's data (None for None)."""
    if array is None:
        return None
    return array.ctypes.data_as(ctypes.POINTER(ctype))


def encode(text: str | os.PathLike | None) -> bytes | None:
    return None if text is None else os.fsencode(text)


if sys.byteorder != "little":  # pragma: no cover
    raise ImportError("mural supports little-endian machines only")

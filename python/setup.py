"""Builds Mural's C interface with SwiftPM and bundles it, with the task files, into the package.

`pip install ./python` from a Mural checkout runs `swift build -c release --product MuralC`
in the checkout (or in $MURAL_SOURCE_DIR). The wheel holds a native library but no Python
extension, so it is tagged py3-none-<platform>: one wheel for every CPython.
"""

import os
import pathlib
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70
    from wheel.bdist_wheel import bdist_wheel

LIBRARY = "libMuralC.so"


def source_root() -> pathlib.Path:
    root = pathlib.Path(os.environ.get("MURAL_SOURCE_DIR") or pathlib.Path(__file__).resolve().parent.parent)
    if not (root / "Package.swift").is_file():
        raise SystemExit(f"mural: {root} is not a Mural checkout (no Package.swift); set MURAL_SOURCE_DIR")
    return root


class BuildWithSwift(build_py):
    def run(self):
        super().run()
        root = source_root()
        subprocess.run(["swift", "build", "-c", "release", "--product", "MuralC"], cwd=root, check=True)
        binaries = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=root, check=True,
                                  capture_output=True, text=True).stdout.strip()
        package = pathlib.Path(self.build_lib) / "mural"
        shutil.copy2(pathlib.Path(binaries) / LIBRARY, package / LIBRARY)
        tasks = package / "tasks"
        tasks.mkdir(exist_ok=True)
        # A re-versioned task must not linger from an earlier build.
        for stale in tasks.glob("*.yaml"):
            stale.unlink()
        for task in sorted((root / "Tasks").glob("*.yaml")):
            shutil.copy2(task, tasks / task.name)


class PlatformWheel(bdist_wheel):
    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(cmdclass={"build_py": BuildWithSwift, "bdist_wheel": PlatformWheel})

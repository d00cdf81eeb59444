"""Builds the wheel of the libimap Python package with libimap.so.1 inside it.

The library comes from, first found: $LIBIMAP_PATH (a built libimap.so, copied as is), else
`cargo build --release --locked` in the repository this package sits in (../.., or
$LIBIMAP_SOURCE), whose target directory is $CARGO_TARGET_DIR or <repository>/target. The
wheel is a platform wheel, cp39-abi3-<platform>: the package is Python over ctypes plus an
optional C extension, libimap._speedups, built on CPython's stable ABI, so one wheel serves every
CPython 3.9 and newer of the platform. When the extension cannot be built (no C compiler or no
Python headers; or LIBIMAP_NO_SPEEDUPS=1) the build goes on without it, as a py3-none-<platform>
wheel, and the package does that work through ctypes. setuptools' scratch files go to a temporary
directory removed at the end: nothing is left in the package's directory.
"""

import atexit
import os
import re
import shutil
import subprocess
import tempfile

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))
SONAME = "libimap.so.1"


def repository() -> str:
    root = os.environ.get("LIBIMAP_SOURCE") or os.path.join(HERE, "..", "..")
    return os.path.abspath(root)


def version() -> str:
    """The library's version (Cargo.toml's), which the package shares."""
    try:
        with open(os.path.join(repository(), "Cargo.toml"), encoding="utf-8") as f:
            m = re.search(r'^version\s*=\s*"([^"]+)"', f.read(), re.M)
        if m:
            return m.group(1)
    except OSError:
        pass
    return "0.0.0"


def library() -> str:
    """The path of a freshly built libimap.so."""
    given = os.environ.get("LIBIMAP_PATH")
    if given:
        return given
    root = repository()
    if not os.path.exists(os.path.join(root, "Cargo.toml")):
        raise SystemExit(
            f"libimap: no Cargo.toml in {root}: build from a libimap checkout "
            "(pip install bindings/python), or set LIBIMAP_PATH to a built libimap.so"
        )
    cargo = shutil.which("cargo") or os.path.expanduser("~/.cargo/bin/cargo")
    subprocess.run([cargo, "build", "--release", "--locked", "--lib"], cwd=root, check=True)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(root, "target")
    if not os.path.isabs(target):
        target = os.path.join(root, target)
    return os.path.join(target, "release", "libimap.so")


class BuildPy(build_py):
    def run(self):
        super().run()
        dst = os.path.join(self.build_lib, "libimap", SONAME)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(library(), dst)
        os.chmod(dst, 0o755)


# The stable ABI of this version and newer (Py_LIMITED_API in the extension's build).
ABI3_FROM = "cp39"
SPEEDUPS = Extension(
    "libimap._speedups",
    sources=["src/libimap/_speedups.c"],
    define_macros=[("Py_LIMITED_API", "0x03090000")],
    py_limited_api=True,
)
BUILT_SPEEDUPS = []  # True appended when the extension was built


class OptionalBuildExt(build_ext):
    """Builds libimap._speedups if it can; otherwise says why and goes on without it."""

    def run(self):
        try:
            super().run()
        except Exception as e:  # any failure to compile means "without it"
            print(f"libimap: the C extension was not built ({e}); the package works without it")
            return
        if self.extensions:
            BUILT_SPEEDUPS.append(True)


class PlatformWheel(bdist_wheel):
    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, plat = super().get_tag()
        if BUILT_SPEEDUPS:
            return ABI3_FROM, "abi3", plat
        return "py3", "none", plat


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


# setuptools' scratch (build/, the egg-info) goes to a temporary directory removed when the
# build ends, not into the package's directory (pip builds in place).
SCRATCH = tempfile.mkdtemp(prefix="libimap-python-build-")
atexit.register(shutil.rmtree, SCRATCH, True)

setup(
    version=version(),
    options={
        "build": {"build_base": os.path.join(SCRATCH, "build")},
        "egg_info": {"egg_base": SCRATCH},
    },
    ext_modules=[] if os.environ.get("LIBIMAP_NO_SPEEDUPS") else [SPEEDUPS],
    cmdclass={"build_py": BuildPy, "build_ext": OptionalBuildExt, "bdist_wheel": PlatformWheel},
    distclass=BinaryDistribution,
)

"""Build, remove and list the compiled analysis modules (see compiled.py).

`python -m newsmon.compiler build` compiles every module of compiled.MODULES next to its source, `clean`
removes them (everything then runs from source), and with no argument it says which modules run compiled
and why the others do not.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from newsmon.compiled import MODULES, PACKAGE, PACKAGE_DIR, STAMP_NAME, digest, extension_of, status

_DIRECTIVES = {"language_level": 3, "binding": True, "annotation_typing": False}


def build(package_dir: Path = PACKAGE_DIR, jobs: int = 2) -> None:
    """Compile every module of MODULES next to its source and record what each was built from. Raises
    RuntimeError when Cython or the compiler is missing or fails; the sources are left as they are."""
    try:
        from Cython.Build import cythonize  # noqa: PLC0415 - needed only to build
        from setuptools import Distribution, Extension  # noqa: PLC0415
    except ImportError as exc:
        raise RuntimeError(f"cannot compile the analysis: {exc} (pip install cython setuptools)") from None
    before = {n: digest(package_dir / f"{n}.py") for n in MODULES}
    with tempfile.TemporaryDirectory(prefix="newsmon-compile-") as folder:
        tmp = Path(folder)
        sources = [Extension(f"{PACKAGE}.{n}", [str(package_dir / f"{n}.py")]) for n in MODULES]
        try:
            extensions = cythonize(  # type: ignore[no-untyped-call]
                sources, build_dir=str(tmp / "c"), compiler_directives=_DIRECTIVES, quiet=True, nthreads=jobs
            )
            distribution = Distribution({"name": f"{PACKAGE}-compiled", "ext_modules": extensions})
            command: Any = distribution.get_command_obj("build_ext")
            command.build_lib, command.build_temp, command.parallel = str(tmp / "lib"), str(tmp / "tmp"), jobs
            distribution.run_command("build_ext")
        except (Exception, SystemExit) as exc:  # distutils reports a compiler error as SystemExit
            raise RuntimeError(f"compiling the analysis failed: {exc}") from None
        built = {n: Path(tmp / "lib", command.get_ext_filename(f"{PACKAGE}.{n}")) for n in MODULES}
        missing = [str(p) for p in built.values() if not p.is_file()]
        if missing:
            raise RuntimeError(f"compiling the analysis left no module at {missing}")
        if {n: digest(package_dir / f"{n}.py") for n in MODULES} != before:
            raise RuntimeError("a source changed while it was compiled; nothing was installed")
        clean(package_dir)
        for path in built.values():  # a new file each (a loaded module's file is not written over)
            partial = package_dir / f".{path.name}.partial"
            shutil.copyfile(path, partial)
            partial.replace(package_dir / path.name)
    (package_dir / STAMP_NAME).write_text(json.dumps(before, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def clean(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Remove the built modules and their record; everything then runs from source."""
    removed = [p for n in MODULES if (p := extension_of(n, package_dir)) is not None]
    stamp = package_dir / STAMP_NAME
    for path in [*removed, *([stamp] if stamp.exists() else [])]:
        path.unlink()
    return removed


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "status"
    if command == "build":
        # in a process of its own, whose compiler chatter (warnings in generated C) is shown only on failure
        done = subprocess.run([sys.executable, "-m", "newsmon.compiler", "build-here"], capture_output=True,
                              text=True, check=False)  # fmt: skip
        if done.returncode != 0:
            print((done.stdout + done.stderr)[-4000:], file=sys.stderr)
            print("newsmon.compiler: the analysis was not compiled; it runs from source", file=sys.stderr)
            return 1
        print(done.stdout.strip())
    elif command == "build-here":
        try:
            build()
        except RuntimeError as exc:
            print(f"newsmon.compiler: {exc}", file=sys.stderr)
            return 1
        print(f"compiled {len(MODULES)} analysis modules in {PACKAGE_DIR}")
    elif command == "clean":
        print(f"removed {len(clean())} compiled modules; the analysis runs from source")
    elif command == "status":
        for name, how in status().items():
            print(f"{PACKAGE}.{name:16} {how}")
    else:
        print("usage: python -m newsmon.compiler [status | build | clean]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The docpipe command-line tool, shipped as a binary inside this wheel."""

import os
import sys
import sysconfig


def find_docpipe_bin() -> str:
    """The path of the docpipe binary this package installed."""
    exe = "docpipe" + (sysconfig.get_config_var("EXE") or "")
    schemes = [sysconfig.get_default_scheme()]
    if sys.version_info >= (3, 10):
        schemes.append(sysconfig.get_preferred_scheme("user"))
    candidates = [sysconfig.get_path("scripts", scheme=s) for s in schemes]
    # pip --target / --prefix installs: beside the package, in ../../bin.
    candidates.append(os.path.join(os.path.dirname(__file__), "..", "..", "..", "bin"))
    for folder in candidates:
        path = os.path.join(folder, exe)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(f"the docpipe binary was not found in {candidates}")

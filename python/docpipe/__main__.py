"""`python -m docpipe ARGS`: runs the docpipe binary with ARGS."""

import os
import subprocess
import sys

from docpipe import find_docpipe_bin


def main() -> int:
    binary = find_docpipe_bin()
    if sys.platform == "win32":
        return subprocess.run([binary, *sys.argv[1:]]).returncode
    os.execv(binary, [binary, *sys.argv[1:]])
    return 0  # not reached: execv replaces this process


if __name__ == "__main__":
    sys.exit(main())

"""The one error type commands raise, and the one place its ``e2ee-sig: error:`` line is printed.

Every library error a user can cause (bad input, a file that cannot be written, a repository in
the wrong state) subclasses :class:`E2eeSigError`; the CLI catches it once, at the top, and exits
with its ``exit_code``. Commands that go on after a failed file (``bump`` of several files,
``stale --defer``) print that file's line with :func:`print_error` and carry on.
"""

from __future__ import annotations

import sys

EXIT_FINDINGS = 1
EXIT_USAGE = 2


class E2eeSigError(Exception):
    """A problem the user can act on; the message is one line, the exit status ``exit_code``."""

    exit_code = EXIT_USAGE


def print_error(message: object) -> None:
    """``e2ee-sig: error: MESSAGE`` on stderr: the only way the commands report an error."""
    print(f"e2ee-sig: error: {message}", file=sys.stderr)

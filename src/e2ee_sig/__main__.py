"""Allow ``python -m e2ee_sig``; :func:`run` is also the ``e2ee-sig`` entry point, so that an
interrupt while the program starts is one line too, never a traceback."""

import sys

from e2ee_sig.errors import EXIT_USAGE, print_error


def run() -> None:
    try:
        from e2ee_sig.cli import main
    except KeyboardInterrupt:
        print_error("interrupted")
        sys.exit(EXIT_USAGE)
    main()


if __name__ == "__main__":
    run()

"""Allow ``python -m e2ee_sig``; :func:`run` is also the ``e2ee-sig`` entry point, so that an
interrupt while the program starts is one line too, never a traceback."""

import atexit
import gc
import os
import sys

from e2ee_sig.errors import EXIT_USAGE, print_error


def run() -> None:
    if sys.stdout is None:  # started with descriptor 1 closed: run as with >/dev/null
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (open for the whole run)
    gc.disable()  # the modules' objects live as long as the process: no collection walks them
    try:
        from e2ee_sig.cli import main, report_output_error
    except KeyboardInterrupt:
        print_error("interrupted")
        sys.exit(EXIT_USAGE)
    gc.freeze()
    gc.enable()
    try:
        main()
    except SystemExit as leaving:
        _leave(leaving)
    except OSError as error:  # --help or --version could not be written
        if not report_output_error(error):
            raise
        _leave(SystemExit(EXIT_USAGE))


def _leave(leaving: SystemExit) -> None:
    """Exit with ``leaving``'s status once the output is flushed and the exit handlers have
    run, without the interpreter's teardown: freeing every module and object one by one takes
    longer than some whole runs (~10 ms after a lint of the corpus). The usual exit stands
    when another thread is still running or the output cannot be flushed."""
    code = leaving.code
    threading = sys.modules.get("threading")
    if not isinstance(code, int | None) or (threading and threading.active_count() > 1):
        raise leaving
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None: the descriptor was closed when Python started
                stream.flush()
    except (OSError, ValueError):
        raise leaving from None
    atexit._run_exitfuncs()
    os._exit(code or 0)


if __name__ == "__main__":
    run()

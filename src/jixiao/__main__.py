"""The ``jixiao`` command (and ``python -m jixiao``): Ctrl-C at any moment, even while the modules
are still loading, ends it in one line with Exit.INTERRUPTED, never a traceback."""

from __future__ import annotations

from .exitcodes import Exit, ctrl_c_seen, interrupted, watch_ctrl_c


def main() -> None:
    watch_ctrl_c()
    try:
        from .cli import main as cli

        cli()
    except KeyboardInterrupt:
        interrupted()
    except SystemExit as done:
        if ctrl_c_seen() and done.code != Exit.INTERRUPTED:  # swallowed after the last check
            interrupted()
        raise
    if ctrl_c_seen():
        interrupted()


if __name__ == "__main__":
    main()

"""The ``jixiao`` command (and ``python -m jixiao``): Ctrl-C at any moment, even while the modules
are still loading, ends it in one line with Exit.INTERRUPTED, never a traceback."""

from __future__ import annotations

from .exitcodes import interrupted


def main() -> None:
    try:
        from .cli import main as cli

        cli()
    except KeyboardInterrupt:
        interrupted()


if __name__ == "__main__":
    main()

"""``python -m cipp`` and the installed ``cipp`` command.

``cipp --version`` is answered here, without importing typer or any command (a tenth
of a second); everything else goes to the command line in cipp.cli.
"""

from __future__ import annotations

import sys


def run() -> None:
    """Run the cipp command line (cipp.cli.app.run), ``--version`` alone answered first."""
    if sys.argv[1:] == ["--version"]:
        from cipp import __version__

        # Exactly what the typer app's --version prints.
        sys.stdout.write(f"cipp {__version__}\n")
        sys.stdout.flush()
        return
    from cipp.cli import run as run_cli

    run_cli()


if __name__ == "__main__":
    run()

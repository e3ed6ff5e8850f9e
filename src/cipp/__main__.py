"""``python -m cipp`` and the installed ``cipp`` command.

``cipp --version`` is answered here, without importing typer or any command (a tenth
of a second); everything else goes to the command line in cipp.cli.
"""

from __future__ import annotations

import sys


def run() -> None:
    """Run the cipp command line (cipp.cli.app.run), ``--version`` alone answered first.

    ``cipp analyze FILE ...`` starts reading the file right away, beside the imports of
    the command line (cipp.read.tables.read_ahead), unless --encoding, --limits or
    --sheet change how it must be read.
    """
    args = sys.argv[1:]
    changed = ("--encoding", "--limits", "--sheet", "--help")
    if len(args) > 1 and args[0] == "analyze" and not any(a.startswith(changed) for a in args):
        from cipp.read.tables import read_ahead

        read_ahead(args[1])
    if args == ["--version"]:
        from cipp import __version__

        # Exactly what the typer app's --version prints.
        sys.stdout.write(f"cipp {__version__}\n")
        sys.stdout.flush()
        return
    from cipp.cli import run as run_cli

    run_cli()


if __name__ == "__main__":
    run()

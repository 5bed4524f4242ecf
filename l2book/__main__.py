"""Command line: ``python -m l2book verify``."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command named in ``argv`` and return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m l2book",
        description="l2book: L2-regularized gradients, checked three ways.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "verify",
        help="derive the gradients with SymPy, compute them with NumPy, compare both with finite "
        "differences on small networks (every loss, activation and dtype); exit 1 if any row fails",
        description="Derive the regularized gradient of small tanh/ReLU/linear networks with SymPy, "
        "compute it with NumPy, and check both against central finite differences. Prints one row per "
        "network, activation, loss and dtype; exits with status 1 if any row fails.",
    )
    args = parser.parse_args(argv)
    if args.command == "verify":
        return _verify()
    return 2  # unreachable: argparse rejects unknown commands


def _verify() -> int:
    from l2book.verify import format_table, verify_rows

    rows = verify_rows()
    print(format_table(rows))
    failed = sum(not row.passed for row in rows)
    print(f"\n{len(rows) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

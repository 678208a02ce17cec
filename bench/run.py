"""Runs every benchmark in this folder and prints its figures (``make bench``, or ``python -m bench.run NAME``)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> None:
    chosen = sys.argv[1:] or sorted(p.stem for p in HERE.glob("bench_*.py"))
    for name in chosen:
        print(f"== {name}", flush=True)
        runpy.run_module(f"bench.{name}", run_name="__main__")


if __name__ == "__main__":
    main()

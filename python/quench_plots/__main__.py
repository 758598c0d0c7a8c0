import argparse
import sys

from .validate_plots import plot_validation


def main() -> int:
    parser = argparse.ArgumentParser(prog="python3 -m quench_plots",
                                     description="Plot a `quench validate` output directory.")
    parser.add_argument("directory", help="the --out directory of quench validate (holds validate.json)")
    parser.add_argument("--quiet", action="store_true", help="do not list the files written")
    args = parser.parse_args()
    try:
        files = plot_validation(args.directory)
    except (OSError, ValueError, KeyError) as error:
        print(f"quench_plots: error: {error}", file=sys.stderr)
        return 2
    if not args.quiet:
        for f in files:
            print(f"plot: {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

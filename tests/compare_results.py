#!/usr/bin/env python3
"""Exit 0 when two quench result files (PREFIX.json) hold the same numbers bit for bit: every
realization, the summary and the config (the [run] section, which never changes a result, aside).
Used by the MPI and kill/resume test scripts."""
import json
import sys


def numbers(path):
    with open(path) as f:
        result = json.load(f)
    config = dict(result["config"])
    config.pop("run", None)
    return {"realizations": result["realizations"], "summary": result["summary"], "config": config}


def main():
    a, b = numbers(sys.argv[1]), numbers(sys.argv[2])
    if a == b:
        return 0
    for key in a:
        if a[key] != b[key]:
            print(f"{sys.argv[1]} and {sys.argv[2]} differ in {key}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

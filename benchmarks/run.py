"""`make bench`: run every `bench_*.py` script of this folder in turn.

Also the helpers the scripts share: the machine description and the rewriting
of one `## Section` of docs/benchmarks.md (each script owns its sections and
leaves the others as they are). Each script takes its own options (`--help`);
run it directly to use them. Speed goals are checked in the document, never as
timed tests.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOC = ROOT / "docs" / "benchmarks.md"
SHARED = ROOT.parent / "shared"

_PREAMBLE = """# Benchmarks

Written by the scripts in `benchmarks/` (`make bench` runs them all); each
section is replaced by the script named in it, so edit the scripts, not this
file. Speed goals are checked here, never as timed tests.
"""


def machine() -> str:
    """One Markdown line: kernel, CPU model, cores, RAM, Python, load, date."""
    uname = platform.uname()
    cpu = "unknown CPU"
    ram = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("MemTotal:"):
                    ram = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
                    break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Machine: `{uname.system} {uname.release} {uname.machine}`, {cpu}, "
        f"{os.cpu_count()} cores, {ram} RAM; Python {platform.python_version()}; "
        f"load average {load} (1, 5, 15 min) at the end; {today}."
    )


def replace_section(title: str, body: str, doc: Path = DOC) -> None:
    """Put `## title` + `body` in `doc` in place of its old section (or at the end)."""
    heading = f"## {title}"
    text = doc.read_text(encoding="utf-8") if doc.exists() else _PREAMBLE
    lines = text.splitlines()
    new = [heading, "", *body.strip("\n").splitlines(), ""]
    try:
        start = lines.index(heading)
    except ValueError:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ["", *new]
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        lines[start:end] = new
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    """A Markdown table."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)


def main() -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    failed = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(script)], check=False)
        print(
            f"== {script.name}: exit {done.returncode} in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        if done.returncode:
            failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Import a generated 100,000-comment Disqus export twice into a fresh SQLite database (or
``--database-url``) and print wall time, peak memory (ru_maxrss of the importing process) and
what the second run created (it should create nothing).

    python bench/import_disqus.py [--comments 100000] [--database-url postgres://...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


# Runs the command in a child that prints its own peak memory (ru_maxrss, kB on Linux) last.
# CPU seconds are printed too: on a shared machine they move far less than the wall time.
MEASURE = ("import resource, sys; from parley.cli import main; rc = main(sys.argv[1:]); "
           "u = resource.getrusage(resource.RUSAGE_SELF); "
           "print('measure', u.ru_maxrss, u.ru_utime + u.ru_stime); sys.exit(rc)")


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Run ``parley ARGS`` in a child; return (wall s, CPU s, peak resident MB, its output)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURE, *args], env=env,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"parley {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    lines = done.stdout.rstrip().splitlines()
    _, peak_kb, cpu = lines[-1].split()
    return seconds, float(cpu), int(peak_kb) / 1024, "\n".join(lines[:-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="parley-bench-import-"))
    export = work / "disqus.xml"
    subprocess.run([sys.executable, str(HERE / "make_disqus_export.py"), str(export),
                    "--comments", str(args.comments)], check=True)
    env = {**os.environ, "DATABASE_URL": args.database_url or f"sqlite:///{work / 'db.sqlite3'}",
           "PARLEY_ENGINE": "off"}
    env.setdefault("PYTHONPATH", f"{REPO / 'src'}:{REPO}")
    parley = [sys.executable, "-m", "parley"]
    if args.database_url:
        subprocess.run([*parley, "flush", "--noinput"], env=env, check=True)
    subprocess.run([*parley, "migrate", "--noinput", "-v", "0"], env=env, check=True,
                   stderr=subprocess.DEVNULL)
    subprocess.run([*parley, "shell", "-c",
                    "from parley.comments.models import Site; "
                    "Site.objects.get_or_create(slug='bench', defaults={'name': 'Bench'})"],
                   env=env, check=True)
    imp = ["import", "disqus", str(export), "--site", "bench", "--no-progress"]
    first_s, first_cpu, first_mb, first_out = run(imp, env)
    second_s, second_cpu, second_mb, second_out = run(imp, env)
    print(f"export: {args.comments:,} comments, {export.stat().st_size / 1e6:.1f} MB")
    print(f"first import:  {first_s:.1f} s wall, {first_cpu:.1f} s CPU "
          f"({args.comments / first_s:,.0f} comments/s wall), peak RSS {first_mb:.0f} MB")
    print(first_out.rstrip())
    print(f"second import: {second_s:.1f} s wall, {second_cpu:.1f} s CPU, "
          f"peak RSS {second_mb:.0f} MB")
    print(second_out.rstrip())


if __name__ == "__main__":
    main()

"""Import a generated 100,000-comment Disqus export twice into a fresh SQLite database (or
``--database-url``) and print wall time, peak memory (ru_maxrss of the importing process) and
what the second run created (it should create nothing).

    python bench/import_disqus.py [--comments 100000] [--database-url postgres://...]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a child; return (seconds, its peak resident memory in MB, its output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    # ru_maxrss of children is the largest of any child so far: each run is measured alone
    # only if it is the largest; the import dwarfs migrate, so report it as the import's.
    return seconds, max(peak, before) / 1024, done.stdout


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
    subprocess.run([*parley, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run([*parley, "shell", "-c",
                    "from parley.comments.models import Site; "
                    "Site.objects.get_or_create(slug='bench', defaults={'name': 'Bench'})"],
                   env=env, check=True)
    imp = [*parley, "import", "disqus", str(export), "--site", "bench", "--no-progress"]
    first_s, first_mb, first_out = run(imp, env)
    second_s, second_mb, second_out = run(imp, env)
    print(f"export: {args.comments:,} comments, {export.stat().st_size / 1e6:.1f} MB")
    print(f"first import:  {first_s:.1f} s ({args.comments / first_s:,.0f} comments/s), "
          f"peak RSS {first_mb:.0f} MB")
    print(first_out.rstrip())
    print(f"second import: {second_s:.1f} s, peak RSS so far {second_mb:.0f} MB")
    print(second_out.rstrip())


if __name__ == "__main__":
    main()

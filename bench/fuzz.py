"""Byte-level mutants of every format's fixtures, each run through the real CLI under its limits.

For each format (xlsx, xls, docx, doc, pdf, html, txt, csv) the fixtures are mutated with a seeded random
generator: bytes flipped, a run overwritten with random bytes or zeros, the file cut short, a block
repeated or deleted. For zip formats (xlsx, docx) half the mutants mutate a member's bytes (the
sheet or document XML) and zip it again, so the reader gets past the archive. Every case is one
``jixiao check --json FILE`` process with ``--limit timeout=T`` (and ``office=T``: a .doc is converted
by LibreOffice before its reading starts), timed, its peak memory taken from
the kernel (the process and its workers). A case is:

- read: exit 0 or 1 (forms read, findings or not);
- clean: exit 2 and the file's failure in one line (damaged, over a limit, not a form);
- timeout: the file's failure is the time limit;
- crash: a traceback, an internal error (exit 70), another exit code or a signal;
- hang: the process still running after the time limit plus a margin (killed).

The baseline row per format is the unmutated fixtures through the same command. With
``--baseline SRC`` (the src/ folder of another checkout) every mutant is also run by that code and
its counts printed beside. One run prints the table; it asserts nothing.

Usage: python bench/fuzz.py [--minutes M | --cases N] [--formats xlsx,docx,...] [--seed S]
                            [--timeout T] [--baseline SRC]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "tests" / "fixtures" / "forms"
EXAMPLES = ROOT / "examples"
FORMATS = ("xlsx", "xls", "docx", "doc", "pdf", "html", "txt", "csv")
MEMBERS = {"xlsx": "xl/worksheets/sheet1.xml", "docx": "word/document.xml"}
OUTCOMES = ("read", "clean", "timeout", "crash", "hang")
KEEP = Path(tempfile.gettempdir()) / "jixiao-fuzz-failures"  # the mutants that crashed or hung, to replay


def fixtures(fmt: str) -> list[Path]:
    if fmt == "txt":
        return sorted(EXAMPLES.glob("*.txt"))
    return sorted(p for p in FORMS.glob(f"*.{fmt}") if p.is_file())


# ----------------------------------------------------------------- mutators

def flip(rnd: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 200)):
        out[rnd.randrange(len(out))] ^= 1 << rnd.randrange(8)
    return bytes(out)


def overwrite(rnd: random.Random, data: bytes) -> bytes:
    at, n = rnd.randrange(len(data)), rnd.randint(1, 512)
    junk = bytes(rnd.randrange(256) for _ in range(n)) if rnd.random() < 0.5 else b"\x00" * n
    return data[:at] + junk + data[at + n:]


def truncate(rnd: random.Random, data: bytes) -> bytes:
    return data[:rnd.randrange(1, len(data))]


def repeat(rnd: random.Random, data: bytes) -> bytes:
    at, n = rnd.randrange(len(data)), rnd.randint(1, 4096)
    return data[:at] + data[at:at + n] * rnd.randint(2, 50) + data[at:]


def delete(rnd: random.Random, data: bytes) -> bytes:
    at, n = rnd.randrange(len(data)), rnd.randint(1, 4096)
    return data[:at] + data[at + n:]


def digits(rnd: random.Random, data: bytes) -> bytes:
    """A number made huge, tiny or odd where the form has one (an amount, a weight, a rate)."""
    spots = [i for i in range(len(data) - 1) if 48 <= data[i] <= 57]
    if not spots:
        return flip(rnd, data)
    at = rnd.choice(spots)
    return data[:at] + rnd.choice([b"9" * 40, b"0.000000000000000000000000001", b"1e999", b"-", b"NaN"]) + data[at:]


MUTATORS: list[Callable[[random.Random, bytes], bytes]] = [flip, overwrite, truncate, repeat, delete, digits]


def mutate(rnd: random.Random, fmt: str, data: bytes) -> tuple[str, bytes]:
    """(mutator name, mutant). Zip formats: half the time the named member is mutated and re-zipped."""
    fn = rnd.choice(MUTATORS)
    member = MEMBERS.get(fmt)
    if member and rnd.random() < 0.5:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                raw = zin.read(info)
                zout.writestr(info, fn(rnd, raw) if info.filename == member else raw)
        return f"{fn.__name__}@{member.rsplit('/', 1)[-1]}", out.getvalue()
    return fn.__name__, fn(rnd, data)


# ----------------------------------------------------------------- one case through the CLI

@dataclass
class Case:
    outcome: str
    seconds: float
    peak_mb: float
    detail: str = ""


def command(src: str | None) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ, COLUMNS="200")
    if src is None:
        exe = Path(sys.executable).parent / "jixiao"
        return ([str(exe)] if exe.exists() else [sys.executable, "-m", "jixiao"]), env
    env["PYTHONPATH"] = src
    return [sys.executable, "-m", "jixiao.cli"], env


def run_case(path: Path, timeout: int, src: str | None) -> Case:
    cmd, env = command(src)
    start = time.monotonic()
    proc = subprocess.Popen([*cmd, "check", "--json", "--limit", f"timeout={timeout}", "--limit", f"office={timeout}",
                             str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(timeout * 2 + 30, kill)
    timer.start()
    # Read the pipes in threads so that a chatty case cannot block on a full pipe before wait4.
    chunks: dict[str, bytes] = {}
    readers = [threading.Thread(target=lambda n=n, s=s: chunks.__setitem__(n, s.read()))
               for n, s in (("out", proc.stdout), ("err", proc.stderr))]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds, peak = time.monotonic() - start, usage.ru_maxrss / 1024
    err = chunks.get("err", b"").decode("utf-8", "replace")
    if killed.is_set():
        return Case("hang", seconds, peak)
    if "Traceback" in err or proc.returncode not in (0, 1, 2):
        return Case("crash", seconds, peak, f"exit {proc.returncode}: {err.strip().splitlines()[-1:] }")
    if proc.returncode in (0, 1):
        return Case("read", seconds, peak)
    try:
        failures = [o for o in json.loads(chunks.get("out", b"[]")) if o.get("schema") == "jixiao/file-failure@1"]
    except ValueError:
        return Case("crash", seconds, peak, "check --json printed no JSON")
    messages = " ".join(f["message"] for f in failures)
    if any(f["code"] == "internal-error" for f in failures):
        return Case("crash", seconds, peak, messages[:200])
    if "读取时间上限" in messages:
        return Case("timeout", seconds, peak, messages[:200])
    return Case("clean", seconds, peak)


# ----------------------------------------------------------------- the run

@dataclass
class Tally:
    cases: list[Case] = field(default_factory=list)

    def row(self) -> str:
        counts = {o: sum(c.outcome == o for c in self.cases) for o in OUTCOMES}
        worst_s = max((c.seconds for c in self.cases), default=0.0)
        worst_mb = max((c.peak_mb for c in self.cases), default=0.0)
        return (f"{len(self.cases):>6} " + " ".join(f"{counts[o]:>7}" for o in OUTCOMES)
                + f" {worst_s:>8.1f} {worst_mb:>8.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=0, help="time budget for the mutants (shared by the formats)")
    ap.add_argument("--cases", type=int, default=10, help="mutants per format (when --minutes is not given)")
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--timeout", type=int, default=20, help="the CLI's per-file time limit (--limit timeout=)")
    ap.add_argument("--baseline", help="src/ folder of other code to run the same mutants with")
    args = ap.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    rnd = random.Random(args.seed)
    per_format_s = args.minutes * 60 / len(formats) if args.minutes else None
    header = f"{'':<16}{'cases':>6} " + " ".join(f"{o:>7}" for o in OUTCOMES) + f" {'worst s':>8} {'peak MB':>8}"
    print(header)
    crashes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="jixiao-fuzz-") as tmp:
        for fmt in formats:
            sources = fixtures(fmt)
            base = Tally([run_case(p, args.timeout, None) for p in sources])
            mutants, before = Tally(), Tally()
            start = time.monotonic()
            n = 0
            while (time.monotonic() - start < per_format_s) if per_format_s else n < args.cases:
                src = rnd.choice(sources)
                how, data = mutate(rnd, fmt, src.read_bytes())
                path = Path(tmp) / f"{fmt}-{n:05d}-{how.replace('@', '-')}.{fmt}"
                path.write_bytes(data)
                case = run_case(path, args.timeout, None)
                mutants.cases.append(case)
                if case.outcome in ("crash", "hang"):
                    KEEP.mkdir(exist_ok=True)
                    (KEEP / path.name).write_bytes(data)
                    crashes.append(f"{fmt} {src.name} {how}: {case.outcome} {case.detail} ({KEEP / path.name})")
                if args.baseline:
                    before.cases.append(run_case(path, args.timeout, args.baseline))
                path.unlink()
                n += 1
            print(f"{fmt + ' fixtures':<16}{base.row()}")
            print(f"{fmt + ' mutants':<16}{mutants.row()}")
            if args.baseline:
                print(f"{fmt + ' baseline':<16}{before.row()}")
            sys.stdout.flush()
    for line in crashes:
        print(line)


if __name__ == "__main__":
    main()

"""Run the processes of `make run` (the Procfile) and keep them running.

    python -m coprod.supervisor [--procfile Procfile]

Each line of the Procfile, `name: command`, is one process. The runner starts
them all, prefixes what each prints with its name, and when one exits it says
so plainly (its exit code, or the signal that ended it) and starts it again
after a short wait (1 s, doubling to at most 30 s while it keeps failing
quickly). Nothing else is stopped: a crashed worker never takes the web
server down with it. Ctrl-C, SIGTERM or SIGHUP stops them all: each is sent
SIGTERM (a Celery worker then lets its running task finish and stops its
pool), and once it exits, or after STOP_SECONDS if it has not, whatever is
left in its process group (each runs in one of its own: a worker's pool,
runserver's reloaded child) is killed, so nothing is left behind. Only a
SIGKILL of the runner itself leaves them running.

`$NAME` and `${NAME:-default}` in a command are taken from the environment
(`make soak` uses that to pick the web port). The folder of the Python running
the runner is put first on PATH, so `python` and `celery` are the venv's.
"""

import argparse
import contextlib
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

STOP_SECONDS = 10
FIRST_WAIT, LONGEST_WAIT = 1.0, 30.0
# A process that ran this long before exiting is restarted after FIRST_WAIT again.
STEADY_SECONDS = 60.0
VARIABLE = re.compile(r"\$(?:\{(\w+)(?::-([^}]*))?\}|(\w+))")


def read_procfile(path: Path) -> dict[str, str]:
    """`name: command` lines, in order; blank lines and `#` comments are skipped."""
    processes = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, colon, command = line.partition(":")
        if not colon or not name.strip().isidentifier() or not command.strip():
            raise SystemExit(f"{path}:{number}: expected `name: command`, got {line!r}")
        processes[name.strip()] = command.strip()
    return processes


def expand(command: str, environ: dict[str, str]) -> list[str]:
    def value(match):
        name = match.group(1) or match.group(3)
        default = match.group(2) or ""
        return environ.get(name) or default

    return shlex.split(VARIABLE.sub(value, command))


def exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


@dataclass
class Process:
    name: str
    command: str
    popen: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    wait: float = FIRST_WAIT
    restart_at: float | None = None
    output: threading.Thread | None = field(default=None, repr=False)


class Runner:
    def __init__(self, processes: dict[str, str], *, out=None):
        self.processes = [Process(name, command) for name, command in processes.items()]
        self.width = max(len(name) for name in [*processes, "runner"])
        self.out = out or sys.stdout
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.environ = dict(os.environ)
        self.environ["PATH"] = os.pathsep.join(
            [str(Path(sys.executable).parent), self.environ.get("PATH", "")]
        )
        self.environ.setdefault("PYTHONUNBUFFERED", "1")

    def say(self, name: str, text: str):
        with self.lock:
            self.out.write(f"{time.strftime('%H:%M:%S')} {name.ljust(self.width)} | {text}\n")
            self.out.flush()

    def start(self, process: Process):
        argv = expand(process.command, self.environ)
        process.popen = subprocess.Popen(
            argv,
            env=self.environ,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, for stop()
        )
        process.started_at = time.monotonic()
        process.restart_at = None
        self.say("runner", f"started {process.name} (pid {process.popen.pid}): {shlex.join(argv)}")
        process.output = threading.Thread(
            target=self.copy_output, args=(process.name, process.popen), daemon=True
        )
        process.output.start()

    def copy_output(self, name: str, popen: subprocess.Popen) -> None:
        assert popen.stdout is not None  # started with stdout=PIPE
        for line in iter(popen.stdout.readline, b""):
            self.say(name, line.decode(errors="replace").rstrip("\n"))
        popen.stdout.close()

    def check(self, process: Process):
        """Notice a process that exited, and start it again once its wait is over."""
        now = time.monotonic()
        if process.restart_at is not None:
            if now >= process.restart_at:
                process.restarts += 1
                self.start(process)
            return
        assert process.popen is not None  # started before it is checked
        code = process.popen.poll()
        if code is None:
            return
        # What it started and left behind (a worker's pool processes) goes too:
        # the new one must not share the work with orphans.
        signal_group(process.popen.pid, signal.SIGKILL)
        if process.output:
            process.output.join(timeout=2)  # its last words first
        ran = now - process.started_at
        if ran >= STEADY_SECONDS:
            process.wait = FIRST_WAIT
        self.say(
            "runner",
            f"{process.name} exited ({exit_reason(code)}) after {ran:.0f} s; "
            f"starting it again in {process.wait:.0f} s (restart {process.restarts + 1})",
        )
        process.restart_at = now + process.wait
        process.wait = min(process.wait * 2, LONGEST_WAIT)

    def run(self) -> int:
        for process in self.processes:
            self.start(process)
        while not self.stopping.wait(0.2):
            for process in self.processes:
                self.check(process)
        self.stop()
        return 0

    def stop(self):
        running = [p for p in self.processes if p.popen and p.popen.poll() is None]
        self.say("runner", f"stopping {', '.join(p.name for p in running) or 'nothing'}")
        for process in running:
            # The process itself, not its group: a Celery worker's pool
            # processes must hear it from the worker, after their task.
            process.popen.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for process in running:
            try:
                process.popen.wait(timeout=max(deadline - time.monotonic(), 0))
            except subprocess.TimeoutExpired:
                self.say("runner", f"{process.name} did not stop in {STOP_SECONDS} s: SIGKILL")
        for process in running:
            # The group, even when its leader has gone: no child is left behind.
            signal_group(process.popen.pid, signal.SIGKILL)
            process.popen.wait()
        summary = ", ".join(f"{p.name} {p.restarts}" for p in self.processes)
        self.say("runner", f"stopped; restarts: {summary}")

    def ask_to_stop(self, signum, frame):
        self.stopping.set()


def signal_group(pid: int, signum: int):
    with contextlib.suppress(ProcessLookupError):  # the whole group has gone
        os.killpg(pid, signum)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procfile", type=Path, default=Path("Procfile"))
    args = parser.parse_args(argv)
    runner = Runner(read_procfile(args.procfile))
    # Ctrl-C, a plain `kill`, or the terminal closing.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, runner.ask_to_stop)
    return runner.run()


if __name__ == "__main__":
    sys.exit(main())

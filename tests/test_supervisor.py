"""The runner behind `make run` (coprod/supervisor.py), with real processes.

Stand-ins take the place of web, worker and beat: each prints its process id
and the id of a child it starts (as a Celery worker starts its pool), then
waits. The runner's own output tells which process is which.
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coprod.supervisor import expand, read_procfile

ROOT = Path(__file__).resolve().parent.parent
# Prints "me <pid>" and "child <pid>" (a `sleep` it started), then waits.
STAND_IN = (
    'python -c \'import subprocess, time; child = subprocess.Popen(["sleep", "600"]); '
    'import os; print("me", os.getpid(), flush=True); print("child", child.pid, flush=True); '
    "time.sleep(600)'"
)


class RunnerProcess:
    def __init__(self, tmp_path, procfile: str):
        (tmp_path / "Procfile").write_text(procfile)
        self.log = tmp_path / "runner.log"
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "coprod.supervisor", "--procfile", str(tmp_path / "Procfile")],
            cwd=ROOT,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def text(self) -> str:
        return self.log.read_text()

    def wait_for(self, pattern: str, count: int = 1, timeout: float = 20) -> list[re.Match]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = list(re.finditer(pattern, self.text(), re.MULTILINE))
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} did not appear {count} time(s):\n{self.text()}")

    def pids(self, name: str) -> list[tuple[int, int]]:
        """(process, its child) for each time `name` was started, oldest first."""
        me = [int(m[1]) for m in re.finditer(rf"{name}\s+\| me (\d+)", self.text())]
        child = [int(m[1]) for m in re.finditer(rf"{name}\s+\| child (\d+)", self.text())]
        return list(zip(me, child, strict=False))


@pytest.fixture
def runner(tmp_path):
    started = []

    def start(procfile):
        process = RunnerProcess(tmp_path, procfile)
        started.append(process)
        return process

    yield start
    for process in started:
        # Stopped the proper way: its processes are in sessions of their own,
        # so killing the runner alone would leave them running.
        if process.popen.poll() is None:
            process.popen.send_signal(signal.SIGTERM)
            try:
                process.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited too: it only waits for its parent to read its status.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(") ")[-1][0] != "Z"


def wait_gone(pids, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.1)
    return [pid for pid in pids if alive(pid)]


def test_a_killed_worker_is_started_again_and_the_web_server_keeps_running(runner):
    run = runner(f"web: {STAND_IN}\nworker: {STAND_IN}\nbeat: {STAND_IN}\n")
    for name in ("web", "worker", "beat"):
        run.wait_for(rf"^.* {name}\s+\| child \d+$")
    [(web, _)] = run.pids("web")
    [(worker, worker_child)] = run.pids("worker")

    # When the worker dies at once (as after a crash or the kernel's OOM killer)
    os.kill(worker, signal.SIGKILL)

    # Then the runner says so plainly and starts a new worker
    run.wait_for(r"runner\s+\| worker exited \(killed by SIGKILL\) after \d+ s; starting it again")
    run.wait_for(r"worker\s+\| child \d+$", count=2)
    [_, (new_worker, _)] = run.pids("worker")
    assert new_worker != worker
    assert alive(new_worker)
    # What the dead worker had started went with it
    assert wait_gone([worker_child]) == []
    # And the web server (and beat) were never touched
    assert [pid for pid, _ in run.pids("web")] == [web]
    assert alive(web)
    assert len(run.pids("beat")) == 1
    assert run.popen.poll() is None


def test_it_says_how_a_process_ended_and_waits_longer_each_time(runner):
    run = runner(f"web: {STAND_IN}\nbeat: python -c 'import sys; sys.exit(3)'\n")

    exited = r"beat exited \(exit code 3\) after \d+ s; starting it again in (\d+) s"
    found = run.wait_for(exited, count=3)

    assert [int(match[1]) for match in found[:3]] == [1, 2, 4]
    assert len(run.pids("web")) == 1


def test_sigterm_stops_every_process_and_what_they_started(runner):
    run = runner(f"web: {STAND_IN}\nworker: {STAND_IN}\n")
    for name in ("web", "worker"):
        run.wait_for(rf"{name}\s+\| child \d+$")
    everyone = [pid for name in ("web", "worker") for pair in run.pids(name) for pid in pair]

    run.popen.send_signal(signal.SIGTERM)

    assert run.popen.wait(timeout=30) == 0
    assert wait_gone(everyone) == []
    assert "stopped; restarts: web 0, worker 0" in run.text()


def test_a_process_that_ignores_sigterm_is_killed(runner):
    stubborn = "python -c 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    stubborn += 'import os; print("me", os.getpid(), flush=True); time.sleep(600)\''
    run = runner(f"web: {stubborn}\n")
    run.wait_for(r"web\s+\| me \d+")
    [pid] = [int(m[1]) for m in re.finditer(r"web\s+\| me (\d+)", run.text())]

    run.popen.send_signal(signal.SIGINT)  # Ctrl-C

    assert run.popen.wait(timeout=30) == 0
    assert "web did not stop in 10 s: SIGKILL" in run.text()
    assert wait_gone([pid]) == []


def test_the_procfile_lists_web_worker_and_beat():
    processes = read_procfile(ROOT / "Procfile")

    assert list(processes) == ["web", "worker", "beat"]
    assert expand(processes["web"], {})[-1] == "127.0.0.1:8000"
    assert expand(processes["web"], {"COPROD_PORT": "18001"})[-1] == "127.0.0.1:18001"
    assert expand(processes["worker"], {})[:4] == ["celery", "--app", "coprod", "worker"]
    assert expand(processes["beat"], {})[:4] == ["celery", "--app", "coprod", "beat"]

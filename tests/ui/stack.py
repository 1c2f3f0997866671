"""The real binaries as processes for the officer-app tests: a server data
directory with `wardsync-server run`, one enrolled ward client, and its
`wardsync agent --ui 127.0.0.1:0`. Every wait is on an event (a line the
process prints), bounded by a deadline; nothing sleeps."""
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time


class Proc:
    """A child process whose stdout and stderr lines are collected by reader threads."""

    def __init__(self, args):
        self.args = args
        self.p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        self.err = []
        for stream, name in ((self.p.stdout, "out"), (self.p.stderr, "err")):
            threading.Thread(target=self._read, args=(stream, name), daemon=True).start()

    def _read(self, stream, name):
        for line in stream:
            if name == "err":
                self.err.append(line)
            self.lines.put((name, line.rstrip("\n")))

    def wait_line(self, needle, timeout=20):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.args[0]}: no line with {needle!r} within {timeout} s; stderr: {''.join(self.err)}")
            try:
                _, line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if needle in line:
                return line

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            self.p.wait(timeout=15)
        return self.p.returncode


class Stack:
    WARD = "phuong-hoang-van-thu"

    def __init__(self, bin_dir, source_dir):
        self.bin = bin_dir
        self.src = source_dir
        self.dir = tempfile.mkdtemp(prefix="ui-test-")
        self.srv_data = os.path.join(self.dir, "srv")
        self.cli_data = os.path.join(self.dir, "client")
        self.server = None
        self.agent = None
        self.port = 0
        self.run_server(["init", "--data", self.srv_data, "--forms", os.path.join(source_dir, "forms/election")])
        self.start_server()
        code = self.run_server(["enroll", "--data", self.srv_data, "--ward", self.WARD, "--role", "officer"]).stdout.strip()
        self.run_client(["init", "--data", self.cli_data, "--server", f"127.0.0.1:{self.port}", "--code", code,
                         "--officer", "Nguyễn Thị Hoa"])
        self.agent = Proc([os.path.join(self.bin, "wardsync"), "agent", "--data", self.cli_data, "--ui", "127.0.0.1:0",
                           "--max-backoff-s", "2", "--probe-interval-s", "1"])
        self.url = self.agent.wait_line("ui: ").split("ui: ", 1)[1]
        self.base = self.url.split("/login")[0]

    def run_server(self, args):
        r = subprocess.run([os.path.join(self.bin, "wardsync-server")] + args, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, f"wardsync-server {args[0]}: {r.stderr}"
        return r

    def run_client(self, args, check=True):
        r = subprocess.run([os.path.join(self.bin, "wardsync")] + args, capture_output=True, text=True, timeout=60)
        assert not check or r.returncode == 0, f"wardsync {args[0]}: {r.stderr}"
        return r

    def client_json(self, args):
        import json
        return json.loads(self.run_client(args + ["--data", self.cli_data, "--json"]).stdout)

    def add_device(self, name, officer, role="officer"):
        """Enrolls another device of the ward and inits its data directory (no agent); returns the directory."""
        code = self.run_server(["enroll", "--data", self.srv_data, "--ward", self.WARD, "--role", role]).stdout.strip()
        path = os.path.join(self.dir, name)
        self.run_client(["init", "--data", path, "--server", f"127.0.0.1:{self.port}", "--code", code, "--officer", officer])
        return path

    def new_meeting(self, candidate, date, invited, attended):
        """A voter meeting (version 2: `candidate` a value of the pack's `candidates` list) made on the agent's device by the CLI, synced; both devices see it after their next sync."""
        rid = self.run_client(["new", "--data", self.cli_data, "--form", "voter-meeting", "--set", f"candidate={candidate}",
                               "--set", "place=noi-cu-tru", "--set", f"meeting_date={date}", "--set", f"invited={invited}",
                               "--set", f"attended={attended}"]).stdout.strip()
        self.run_client(["sync", "--data", self.cli_data])
        return rid

    def edit_elsewhere(self, other, rid, assignment, mine=None):
        """`other` edits the record (after seeing it), then, if `mine`, this device edits the same field without
        having seen that edit (competing values); both synced."""
        self.run_client(["sync", "--data", other])
        self.run_client(["edit", rid, "--data", other, "--set", assignment])
        self.run_client(["sync", "--data", other])
        if mine:
            self.run_client(["edit", rid, "--data", self.cli_data, "--set", mine])
            self.run_client(["sync", "--data", self.cli_data])
        self.run_client(["sync", "--data", self.cli_data])

    def start_server(self):
        self.server = Proc([os.path.join(self.bin, "wardsync-server"), "run", "--data", self.srv_data,
                            "--listen", f"127.0.0.1:{self.port}"])
        line = self.server.wait_line("listening on ")
        addr = line.split("listening on ", 1)[1].split(" ")[0]
        self.port = int(addr.rsplit(":", 1)[1])

    def stop_server(self):
        self.server.stop()
        self.server = None

    def close(self):
        if self.agent:
            self.agent.stop()
        if self.server:
            self.server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

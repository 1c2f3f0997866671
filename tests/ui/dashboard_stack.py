"""The real binaries as processes for the dashboard tests: a server data
directory with `wardsync-server run --dashboard 127.0.0.1:0` (HTTPS with its
own certificate), dashboard accounts of every kind, and two ward clients of
one ward that edit one field concurrently, so the review queue holds a real
conflict. Every wait is on an event (a line or a file the process writes)."""
import json
import os
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar

from stack import Proc

PASSWORD = "mật-khẩu-thử-1"


class DashStack:
    WARD = "phuong-hoang-van-thu"
    OTHER_WARD = "phuong-cam-gia"
    USERS = [  # name, role, wards, disabled
        ("admin", "admin", [], False),
        ("reviewer", "reviewer", [], False),
        ("viewer", "viewer", [], False),
        ("limited", "reviewer", [WARD], False),
        ("gone", "reviewer", [], True),
    ]

    def __init__(self, bin_dir, source_dir):
        self.bin = bin_dir
        self.source = source_dir
        self.dir = tempfile.mkdtemp(prefix="dash-test-")
        self.srv = os.path.join(self.dir, "srv")
        self.server(["init", "--data", self.srv, "--forms", os.path.join(source_dir, "forms/election")])
        self.start("127.0.0.1:0", "127.0.0.1:0")
        for name, role, wards, disabled in self.USERS:  # online: through the control socket
            args = ["users", "add", "--data", self.srv, "--name", name, "--role", role, "--password-stdin"]
            for w in wards:
                args += ["--ward", w]
            self.server(args, stdin=PASSWORD + "\n")
            if disabled:
                self.server(["users", "disable", "--data", self.srv, name])
        self.clients = [self.enroll_client(f"c{i}", self.code(self.WARD)) for i in (1, 2)]

    def start(self, listen, dashboard, extra=()):
        self.proc = Proc([os.path.join(self.bin, "wardsync-server"), "run", "--data", self.srv, "--listen", listen,
                          "--dashboard", dashboard] + list(extra))
        line = self.proc.wait_line("dashboard on ")
        self.url = line.split("dashboard on ", 1)[1].strip().rstrip("/")
        with open(os.path.join(self.srv, "dashboard-url")) as f:
            assert f.read().strip().rstrip("/") == self.url
        with open(os.path.join(self.srv, "listen")) as f:
            self.listen = f.read().strip()

    def restart(self, extra=()):
        """Stops the server (if running) and starts it again on the same ports, the devices' and the
        dashboard's."""
        self.proc.stop()
        self.start(self.listen, self.url.split("://", 1)[1], extra)

    def server(self, args, stdin=None, check=True):
        r = subprocess.run([os.path.join(self.bin, "wardsync-server")] + args, capture_output=True, text=True,
                           timeout=60, input=stdin)
        assert not check or r.returncode == 0, f"wardsync-server {args[:2]}: {r.stderr}"
        return r

    def client(self, data, args, check=True):
        r = subprocess.run([os.path.join(self.bin, "wardsync")] + args + ["--data", data], capture_output=True,
                           text=True, timeout=60)
        assert not check or r.returncode == 0, f"wardsync {args[0]}: {r.stderr}"
        return r

    def code(self, ward, role="officer"):
        return self.server(["enroll", "--data", self.srv, "--ward", ward, "--role", role]).stdout.strip()

    def enroll_client(self, name, code):
        data = os.path.join(self.dir, name)
        subprocess.run([os.path.join(self.bin, "wardsync"), "init", "--data", data, "--code", code, "--officer",
                        "Cán bộ " + name], check=True, capture_output=True, text=True, timeout=60)
        return data

    def make_conflict(self):
        """Two officers of one ward change `attended` of one record without seeing each other: a VALUES conflict."""
        a, b = self.clients
        rid = self.new_meeting(a, agree=60)
        self.client(b, ["sync", "--quiet"])
        self.client(a, ["edit", rid, "--set", "attended=81"])
        self.client(b, ["edit", rid, "--set", "attended=82"])
        self.client(a, ["sync", "--quiet"])
        self.client(b, ["sync", "--quiet"])
        return rid

    def new_meeting(self, data, **fields):
        """A voter meeting made by client `data` and synced; returns its id."""
        values = {"candidate": "qh-dv1-nguyen-van-hung", "place": "noi-cu-tru", "meeting_date": "2021-05-10", "invited": 100, "attended": 80,
                  "agree": 40, "disagree": 10}
        values.update(fields)
        args = ["new", "--form", "voter-meeting", "--json"]
        for k, v in values.items():
            args += ["--set", f"{k}={v}"]
        rid = json.loads(self.client(data, args).stdout)["id"]
        self.client(data, ["sync", "--quiet"])
        return rid

    def make_rule_conflict(self):
        """Two officers each keep `agree + disagree <= attended` (80) but break it together (65 + 25): a RULE
        conflict."""
        a, b = self.clients
        rid = self.new_meeting(a, candidate="qh-dv1-le-minh-tuan")
        self.client(b, ["sync", "--quiet"])
        self.client(a, ["edit", rid, "--set", "agree=65"])
        self.client(b, ["edit", rid, "--set", "disagree=25"])
        self.client(a, ["sync", "--quiet"])
        self.client(b, ["sync", "--quiet"])
        return rid

    def turnout_reports(self):
        """Turnout of one polling area at two checkpoints (9 h: 30 %, 12 h: 55 %)."""
        a = self.clients[0]
        for checkpoint, cast in (("09h", 300), ("12h", 550)):
            self.client(a, ["new", "--form", "turnout-report", "--set", f"polling_area={self.WARD}-kv01", "--set",
                            "report_date=2021-05-23", "--set", f"report_time={checkpoint}", "--set",
                            "registered_voters=1000", "--set", f"votes_cast={cast}"])
        self.client(a, ["sync", "--quiet"])

    def make_duplicate(self, station):
        """Both officers of one ward report turnout of polling area `station` (a value of the published list
        polling-areas) at 9 h (its unique key) without
        seeing each other: the later record to reach the server gets a DUPLICATE conflict. The first one's
        turnout is 30 %, as turnout_reports' at 9 h. Returns (the record held first, the later one)."""
        ids = []
        for data, cast in zip(self.clients, (600, 620)):
            ids.append(json.loads(self.client(data, [
                "new", "--form", "turnout-report", "--json", "--set", f"polling_area={station}", "--set",
                "report_date=2021-05-23", "--set", "report_time=09h", "--set", "registered_voters=2000", "--set",
                f"votes_cast={cast}"]).stdout)["id"])
            self.client(data, ["sync", "--quiet"])
        return ids[0], ids[1]

    def make_rejected(self):
        """A REJECTED change from an honest device, through the binaries: an officer's offline edit reaches the
        server while its ward is missing from the published ward list (unknown ward); the list is then published
        whole again. Returns (record id, the officer's data dir)."""
        officer = self.enroll_client(f"rej{len(os.listdir(self.dir))}", self.code(self.OTHER_WARD))
        rid = self.new_meeting(officer, candidate="tp-dv1-ngo-van-thang")
        self.client(officer, ["edit", rid, "--set", "attended=85"])  # offline
        pack = os.path.join(self.source, "forms/election")
        with open(os.path.join(pack, "wards.json")) as f:
            wards = json.load(f)
        wards["wards"] = [w for w in wards["wards"] if w["id"] != self.OTHER_WARD]
        shrunk = tempfile.mkdtemp(prefix="wards-", dir=self.dir)
        with open(os.path.join(shrunk, "wards.json"), "w") as f:
            json.dump(wards, f, ensure_ascii=False)
        shutil.copy(os.path.join(pack, "voter-meeting.json"), shrunk)  # a pack holds a form (published already)
        self.server(["forms", "publish", "--data", self.srv, shrunk])
        try:
            self.client(officer, ["sync", "--quiet"], check=False)
        finally:
            self.server(["forms", "publish", "--data", self.srv, pack])
        return rid, officer

    def close(self):
        self.proc.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Http:
    """One browser-like HTTPS client with its own cookie jar (the dashboard's
    certificate is its own, not a public one: not verified here)."""

    def __init__(self, base):
        self.base = base
        self.ctx = ssl.create_default_context()
        self.ctx.check_hostname = False
        self.ctx.verify_mode = ssl.CERT_NONE
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=self.ctx),
                                                  urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = None

    def call(self, method, path, body=None, headers=None, csrf=True):
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        if csrf and self.csrf and method == "POST":
            h.setdefault("X-CSRF-Token", self.csrf)
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, r.read(), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read(), dict(e.headers)

    def json(self, method, path, body=None, **kw):
        status, raw, _ = self.call(method, path, body, **kw)
        return status, json.loads(raw.decode("utf-8-sig") or "null")

    def login(self, name, password=PASSWORD):
        status, body = self.json("POST", "/api/login", {"username": name, "password": password})
        if status == 200:
            self.csrf = body["csrf"]
        return status, body

    def cookie(self):
        return [c for c in self.jar if c.name == "wardsync_dash"]

"""The committee dashboard over HTTPS with the real server (dashboard_stack.py):
every refusal, and that a refused request changes nothing.
Usage: dashboard_api_test.py BIN_DIR SOURCE_DIR"""
import csv
import io
import json
import subprocess
import sys
import unittest

from dashboard_stack import PASSWORD, DashStack, Http

BIN, SRC = sys.argv[1], sys.argv[2]


class DashboardApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = DashStack(BIN, SRC)
        cls.record = cls.s.make_conflict()

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def http(self, user=None):
        h = Http(self.s.url)
        if user:
            status, body = h.login(user)
            self.assertEqual(status, 200, body)
        return h

    def open_conflicts(self):
        status, body = self.http("admin").json("GET", "/api/conflicts")
        self.assertEqual(status, 200)
        return [c for c in body if c["record"] == self.record]

    def test_login_sets_a_strict_session_cookie(self):
        h = Http(self.s.url)
        status, raw, headers = h.call("POST", "/api/login", {"username": "admin", "password": PASSWORD})
        self.assertEqual(status, 200, raw)
        cookie = headers["Set-Cookie"]
        for attr in ("HttpOnly", "SameSite=Strict", "Secure", "Path=/"):
            self.assertIn(attr, cookie)
        self.assertIn("default-src 'none'", headers["Content-Security-Policy"])
        self.assertEqual(json.loads(raw)["role"], "admin")

    def test_no_session_is_401_and_changes_nothing(self):
        before = self.open_conflicts()
        self.assertEqual(len(before), 1)
        h = Http(self.s.url)
        for path in ("/api/overview", "/api/conflicts", "/api/report", "/api/devices", "/api/export?form=voter-meeting"):
            self.assertEqual(h.call("GET", path)[0], 401, path)
        status, _ = h.json("POST", f"/api/conflicts/{before[0]['id']}/resolve", {"pick": 1, "reason": "x"})
        self.assertEqual(status, 401)
        self.assertEqual(self.open_conflicts(), before)

    def test_wrong_password_is_refused_logged_and_slowed(self):
        h = Http(self.s.url)
        statuses = [h.login("reviewer", "not-the-password")[0] for _ in range(5)]
        self.assertEqual(statuses[:3], [401, 401, 401])
        self.assertEqual(statuses[-1], 429)  # slowed down after three
        self.assertFalse(h.cookie())
        self.s.proc.wait_line('wrong password for "reviewer" from 127.0.0.1')
        self.s.proc.wait_line('login for "reviewer" from 127.0.0.1 refused: too many wrong passwords')
        # Even the right password waits now.
        self.assertEqual(h.login("reviewer")[0], 429)

    def test_unknown_user_looks_like_a_wrong_password(self):
        status, body = Http(self.s.url).login("nobody-here")
        self.assertEqual(status, 401)
        self.assertEqual(body["error"], "wrong user name or password")

    def test_missing_or_wrong_csrf_token_is_403_and_changes_nothing(self):
        before = self.open_conflicts()
        h = self.http("admin")
        cid = before[0]["id"]
        self.assertEqual(h.call("POST", f"/api/conflicts/{cid}/resolve", {"pick": 1, "reason": "x"}, csrf=False)[0], 403)
        self.assertEqual(h.call("POST", f"/api/conflicts/{cid}/resolve", {"pick": 1, "reason": "x"},
                                headers={"X-CSRF-Token": "0" * 64})[0], 403)
        self.assertEqual(h.call("POST", "/api/devices/enroll", {"ward": self.s.WARD}, csrf=False)[0], 403)
        self.assertEqual(self.open_conflicts(), before)

    def test_other_origin_is_refused(self):
        h = self.http("admin")
        status, _, _ = h.call("POST", "/api/devices/enroll", {"ward": self.s.WARD},
                              headers={"Origin": "https://evil.example"})
        self.assertEqual(status, 403)

    def test_viewer_cannot_resolve_enroll_or_revoke(self):
        before = self.open_conflicts()
        h = self.http("viewer")
        self.assertEqual(h.call("GET", "/api/conflicts")[0], 200)  # may look
        status, body = h.json("POST", f"/api/conflicts/{before[0]['id']}/resolve", {"pick": 1, "reason": "x"})
        self.assertEqual(status, 403, body)
        self.assertEqual(h.json("POST", "/api/devices/enroll", {"ward": self.s.WARD})[0], 403)
        self.assertEqual(h.json("POST", "/api/devices/x/revoke", {"reason": "x"})[0], 403)
        self.assertEqual(self.open_conflicts(), before)

    def test_ward_limited_user_sees_only_its_wards(self):
        h = self.http("limited")
        status, ov = h.json("GET", "/api/overview")
        self.assertEqual(status, 200)
        self.assertEqual([w["ward"] for w in ov["report"]["wards"]], [self.s.WARD])
        self.assertNotIn("total", ov["report"])
        self.assertTrue(all(d["ward"] == self.s.WARD for d in ov["devices"]))
        self.assertEqual(h.call("GET", f"/api/records?ward={self.s.OTHER_WARD}")[0], 403)
        self.assertEqual(h.call("GET", f"/api/conflicts?ward={self.s.OTHER_WARD}")[0], 403)
        self.assertEqual(h.call("GET", f"/api/export?form=voter-meeting&ward={self.s.OTHER_WARD}")[0], 403)
        status, records = h.json("GET", "/api/records")
        self.assertEqual(status, 200)
        self.assertTrue(records and all(r["ward"] == self.s.WARD for r in records))
        self.assertEqual(h.call("GET", f"/api/records/{self.record}/history")[0], 200)

    def test_ward_limited_user_cannot_read_another_wards_record(self):
        # A record of another ward, made by a client of that ward.
        other = self.s.enroll_client("other", self.s.code(self.s.OTHER_WARD))
        rid = json.loads(self.s.client(other, ["new", "--form", "voter-meeting", "--set", "candidate=Lê Thị Bình",
                                               "--set", "meeting_date=2021-05-11", "--set", "invited=50",
                                               "--set", "attended=40", "--json"]).stdout)["id"]
        self.s.client(other, ["sync", "--quiet"])
        self.assertEqual(self.http("admin").call("GET", f"/api/records/{rid}/history")[0], 200)
        self.assertEqual(self.http("limited").call("GET", f"/api/records/{rid}/history")[0], 404)

    def test_disabled_user_cannot_log_in_and_its_sessions_end(self):
        self.assertEqual(Http(self.s.url).login("gone")[0], 403)
        # A live session ends at its next request once the account is disabled.
        self.s.server(["users", "add", "--data", self.s.srv, "--name", "soon-gone", "--role", "viewer",
                       "--password-stdin"], stdin=PASSWORD + "\n")
        h = self.http("soon-gone")
        self.assertEqual(h.call("GET", "/api/overview")[0], 200)
        self.s.server(["users", "disable", "--data", self.s.srv, "soon-gone"])
        self.assertEqual(h.call("GET", "/api/overview")[0], 401)

    def test_changed_password_ends_sessions(self):
        self.s.server(["users", "add", "--data", self.s.srv, "--name", "rotating", "--role", "viewer",
                       "--password-stdin"], stdin=PASSWORD + "\n")
        h = self.http("rotating")
        self.s.server(["users", "passwd", "--data", self.s.srv, "rotating", "--password-stdin"],
                      stdin="một-mật-khẩu-mới\n")
        self.assertEqual(h.call("GET", "/api/overview")[0], 401)
        self.assertEqual(Http(self.s.url).login("rotating", "một-mật-khẩu-mới")[0], 200)

    def test_users_commands_refuse_bad_input(self):
        bad = [
            (["users", "add", "--name", "x y", "--role", "viewer", "--password-stdin"], PASSWORD + "\n"),
            (["users", "add", "--name", "x", "--role", "boss", "--password-stdin"], PASSWORD + "\n"),
            (["users", "add", "--name", "x", "--role", "viewer", "--ward", "nowhere", "--password-stdin"], PASSWORD + "\n"),
            (["users", "add", "--name", "x", "--role", "viewer", "--password-stdin"], "short\n"),
            (["users", "add", "--name", "x", "--role", "viewer"], None),
            (["users", "add", "--name", "admin", "--role", "viewer", "--password-stdin"], PASSWORD + "\n"),
            (["users", "disable", "nobody"], None),
        ]
        for args, stdin in bad:
            r = self.s.server(args + ["--data", self.s.srv], stdin=stdin, check=False)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertIn("error:", r.stderr, args)
        listed = json.loads(self.s.server(["users", "list", "--data", self.s.srv, "--json"]).stdout)
        self.assertNotIn("x", [u["name"] for u in listed])
        self.assertTrue(all("password" not in json.dumps(u) for u in listed))

    def test_dashboard_flags_are_checked_before_anything_starts(self):
        cases = [(["--dashboard", "0.0.0.0:0", "--dashboard-plain-http"], "is not a loopback address"),
                 (["--dashboard", "127.0.0.1:0", "--dashboard-cert", "x.pem"], "go together"),
                 (["--dashboard-plain-http"], "go with --dashboard"),
                 (["--dashboard", "localhost:99999"], "not a port")]
        for extra, message in cases:
            r = subprocess.run([f"{BIN}/wardsync-server", "run", "--data", self.s.srv, "--listen", "127.0.0.1:0"] + extra,
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 2, extra)
            self.assertIn(message, r.stderr, extra)

    def test_csv_export_has_bom_and_rows(self):
        h = self.http("reviewer")
        status, raw, headers = h.call("GET", "/api/export?form=voter-meeting&format=csv")
        self.assertEqual(status, 200)
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        self.assertIn("attachment", headers["Content-Disposition"])
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        mine = [r for r in rows if r["id"] == self.record]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["candidate"], "Trần Văn An")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])

"""The committee dashboard over HTTPS with the real server (dashboard_stack.py):
every refusal, and that a refused request changes nothing.
Usage: dashboard_api_test.py BIN_DIR SOURCE_DIR"""
import re
import csv
import io
import json
import subprocess
import sys
import time
import unittest

from browser_connections import check_unhurried, tls
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

    def test_two_browsers_idle_connections_do_not_hold_up_a_request(self):
        host = self.s.url.split("//", 1)[1].rstrip("/")
        check_unhurried(self, tls(host, Http(self.s.url).ctx), host, "/app.js", held=13)

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
        statuses = [h.login("reviewer", "not-the-password")[0] for _ in range(3)]
        self.assertEqual(statuses, [401, 401, 401])  # three free tries
        # Then each wrong password doubles the wait (1 s, 2 s, 4 s, ...). The
        # wait is wall-clock and a slow password check on a loaded machine
        # can outlast the first ones, so keep trying until the server says
        # to wait at least 2 s more: then the next request surely falls
        # inside the wait.
        wait = 0
        for _ in range(12):
            status, body = h.login("reviewer", "not-the-password")
            self.assertIn(status, (401, 429), body)
            if status == 429:
                wait = int(re.search(r"try again in (\d+) s", body["error"]).group(1))
                if wait >= 2:
                    break
                time.sleep(wait)  # the server's own Retry-After: the next try is a checked (and doubling) one
        self.assertGreaterEqual(wait, 2, "never slowed down")
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
        rid = json.loads(self.s.client(other, ["new", "--form", "voter-meeting", "--set", "candidate=qh-dv1-tran-thi-lan", "--set", "place=noi-cu-tru",
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
                 (["--dashboard-idle-s", "60"], "go with --dashboard"),
                 (["--dashboard", "127.0.0.1:0", "--dashboard-idle-s", "0"], "out of range"),
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
        self.assertEqual(mine[0]["candidate"], "qh-dv1-nguyen-van-hung")

    # ---- review of submissions ----
    def history(self, rid, user="admin"):
        status, body = self.http(user).json("GET", f"/api/records/{rid}/history")
        self.assertEqual(status, 200, body)
        return body

    def test_review_is_signed_logged_and_reaches_the_officer(self):
        officer = self.s.clients[0]
        rid = self.s.new_meeting(officer, candidate="qh-dv1-le-minh-tuan")
        h = self.http("reviewer")
        status, body = h.json("POST", f"/api/records/{rid}/review",
                              {"state": "needs-correction", "comment": "Thiếu chữ ký của thư ký"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["review"]["status"], "needs-correction")
        hist = self.history(rid)
        review = [c for c in hist["changes"] if c["op"] == "REVIEW"]
        self.assertEqual(len(review), 1)
        self.assertEqual(review[0]["device"], "server")  # signed with the server key
        self.assertEqual(review[0]["officer"], "reviewer (dashboard, 127.0.0.1)")
        self.assertEqual(review[0]["review"]["comment"], "Thiếu chữ ký của thư ký")
        self.assertEqual(hist["review"]["status"], "needs-correction")
        self.s.proc.wait_line(f"reviewer (dashboard, 127.0.0.1) reviewed record {rid}: needs-correction")
        # The officer's device pulls it, and its commands show it.
        self.s.client(officer, ["sync", "--quiet"])
        shown = json.loads(self.s.client(officer, ["show", rid, "--json"]).stdout)
        self.assertEqual(shown["review"]["status"], "needs-correction")
        self.assertEqual(shown["comments"][0]["text"], "Thiếu chữ ký của thư ký")
        self.assertIn("needs-correction: Thiếu chữ ký của thư ký", self.s.client(officer, ["show", rid]).stdout)
        # The fix returns it to received; then the reviewer approves it.
        self.s.client(officer, ["edit", rid, "--set", "notes=Đã bổ sung chữ ký"])
        self.s.client(officer, ["sync", "--quiet"])
        self.assertEqual(self.history(rid)["review"]["status"], "received")
        status, body = h.json("POST", f"/api/records/{rid}/review", {"state": "approved", "comment": ""})
        self.assertEqual(status, 200, body)
        records = json.loads(self.s.server(["records", "--data", self.s.srv, "--json"]).stdout)
        self.assertEqual([r["review"]["status"] for r in records if r["id"] == rid], ["approved"])
        self.s.server(["verify", "--data", self.s.srv])  # the log replays to the same records

    def test_review_refusals_change_nothing(self):
        rid = self.s.new_meeting(self.s.clients[0], candidate="qh-dv1-hoang-van-duc")
        before = self.history(rid)
        viewer = self.http("viewer")
        self.assertEqual(viewer.json("POST", f"/api/records/{rid}/review", {"state": "approved"})[0], 403)
        reviewer = self.http("reviewer")
        self.assertEqual(reviewer.call("POST", f"/api/records/{rid}/review", {"state": "approved"}, csrf=False)[0], 403)
        status, body = reviewer.json("POST", f"/api/records/{rid}/review", {"state": "needs-correction"})
        self.assertEqual(status, 400, body)
        self.assertIn("--comment", body["error"])
        self.assertEqual(reviewer.json("POST", f"/api/records/{rid}/review", {"state": "fine"})[0], 400)
        self.assertEqual(reviewer.json("POST", f"/api/records/{rid}/review", {})[0], 400)
        self.assertEqual(reviewer.json("POST", f"/api/records/{'0' * 32}/review", {"state": "approved"})[0], 404)
        # A ward-limited reviewer: another ward's record looks like none.
        other = self.s.enroll_client("other-rv", self.s.code(self.s.OTHER_WARD))
        foreign = self.s.new_meeting(other, candidate="tp-dv1-do-thi-thu-ha")
        self.assertEqual(self.http("limited").json("POST", f"/api/records/{foreign}/review", {"state": "approved"})[0], 404)
        self.assertEqual(self.history(foreign)["review"]["status"], "received")
        self.assertEqual(self.history(rid), before)

    # ---- conflicts of every kind from the API ----
    def test_rule_conflict_is_resolved_by_setting_its_fields(self):
        rid = self.s.make_rule_conflict()
        status, conflicts = self.http("admin").json("GET", "/api/conflicts")
        rule = [c for c in conflicts if c["record"] == rid and c["kind"] == "rule"]
        self.assertEqual(len(rule), 1, conflicts)
        self.assertEqual(rule[0]["values"], {"agree": 65, "disagree": 25, "attended": 80})
        h = self.http("reviewer")
        # Still broken: refused, nothing changed.
        status, body = h.json("POST", f"/api/conflicts/{rule[0]['id']}/resolve",
                              {"set": {"agree": "60"}, "reason": "Đối chiếu biên bản"})
        self.assertEqual(status, 409, body)
        self.assertIn("still break the rule", body["error"])
        status, body = h.json("POST", f"/api/conflicts/{rule[0]['id']}/resolve",
                              {"set": {"agree": "55"}, "reason": "Đối chiếu biên bản"})
        self.assertEqual(status, 200, body)
        hist = self.history(rid)
        self.assertIn(rule[0]["id"], hist["changes"][-1]["conflicts_resolved"])
        self.assertEqual(hist["changes"][-1]["officer"], "reviewer (dashboard, 127.0.0.1)")

    def test_values_conflict_takes_a_new_value(self):
        a, b = self.s.clients
        rid = self.s.new_meeting(a, candidate="tp-dv1-vu-quang-huy")
        self.s.client(b, ["sync", "--quiet"])
        self.s.client(a, ["edit", rid, "--set", "invited=120"])
        self.s.client(b, ["edit", rid, "--set", "invited=130"])
        self.s.client(a, ["sync", "--quiet"])
        self.s.client(b, ["sync", "--quiet"])
        status, conflicts = self.http("admin").json("GET", "/api/conflicts")
        cid = [c["id"] for c in conflicts if c["record"] == rid and c["field"] == "invited"][0]
        status, body = self.http("reviewer").json("POST", f"/api/conflicts/{cid}/resolve",
                                                  {"value": "125", "reason": "Danh sách gốc: 125"})
        self.assertEqual(status, 200, body)
        records = json.loads(self.s.server(["records", "--data", self.s.srv, "--json"]).stdout)
        self.assertEqual([r["fields"]["invited"] for r in records if r["id"] == rid], [125])

    def test_rejected_change_is_applied_with_edited_values(self):
        rid, _ = self.s.make_rejected()
        status, conflicts = self.http("admin").json("GET", "/api/conflicts")
        rej = [c for c in conflicts if c["record"] == rid and c["kind"] == "rejected"]
        self.assertEqual(len(rej), 1, conflicts)
        self.assertIn("unknown ward", rej[0]["problem"])
        self.assertEqual(rej[0]["rejected_change"]["sets"], [{"field": "attended", "value": 85}])
        h = self.http("reviewer")
        status, body = h.json("POST", f"/api/conflicts/{rej[0]['id']}/resolve",
                              {"set": {"attended": "abc"}, "reason": "Theo biên bản"})
        self.assertEqual(status, 409, body)  # the form refuses the value: nothing changed
        status, body = h.json("POST", f"/api/conflicts/{rej[0]['id']}/resolve",
                              {"set": {"attended": "84"}, "reason": "Theo biên bản: 84"})
        self.assertEqual(status, 200, body)
        records = json.loads(self.s.server(["records", "--data", self.s.srv, "--json"]).stdout)
        self.assertEqual([r["fields"]["attended"] for r in records if r["id"] == rid], [84])

    # ---- enrollment codes ----
    def test_duplicate_is_kept_as_two_records_or_refused(self):
        first, second = self.s.make_duplicate(self.s.WARD + "-kv03")
        status, conflicts = self.http("admin").json("GET", "/api/conflicts")
        dup = [c for c in conflicts if c["kind"] == "duplicate" and c["record"] == second]
        self.assertEqual(len(dup), 1, conflicts)
        cid = dup[0]["id"]
        self.assertEqual(dup[0]["duplicate_of"], first)
        path = f"/api/conflicts/{cid}/resolve"
        # Refusals change nothing: a viewer (403), no CSRF token (403), no reason (400), a decision that is not
        # one of a duplicate's (the command's own refusal, 409).
        self.assertEqual(self.http("viewer").json("POST", path, {"dismiss": True, "reason": "x"})[0], 403)
        self.assertEqual(self.http("reviewer").call("POST", path, {"delete": True, "reason": "x"}, csrf=False)[0], 403)
        self.assertEqual(self.http("reviewer").json("POST", path, {"delete": True})[0], 400)
        status, body = self.http("reviewer").json("POST", path, {"pick": 1, "reason": "x"})
        self.assertEqual(status, 409, body)
        self.assertIn("--dismiss", body["error"])
        status, body = self.http("reviewer").json("POST", path, {"dismiss": True, "delete": True, "reason": "x"})
        self.assertEqual(status, 400, body)
        self.assertIn(cid, [c["id"] for c in self.http("admin").json("GET", "/api/conflicts")[1]])
        # Keep both: closed, both records live, who and why in the history.
        status, body = self.http("reviewer").json("POST", path, {"dismiss": True, "reason": "Hai khu vực khác nhau"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["outcome"], "both records are kept")
        self.assertNotIn(cid, [c["id"] for c in self.http("admin").json("GET", "/api/conflicts")[1]])
        records = {r["id"]: r for r in json.loads(self.s.server(["records", "--data", self.s.srv, "--json"]).stdout)}
        self.assertFalse(records[first]["deleted"] or records[second]["deleted"])
        text = json.dumps(self.history(second), ensure_ascii=False)
        self.assertIn("Hai khu vực khác nhau", text)
        self.assertIn("reviewer (dashboard, 127.0.0.1)", text)

    def test_unused_codes_are_listed_and_cancelled(self):
        admin = self.http("admin")
        status, earlier = admin.json("GET", "/api/devices/codes")
        self.assertEqual(status, 200, earlier)
        status, made = admin.json("POST", "/api/devices/enroll", {"ward": self.s.OTHER_WARD, "role": "officer"})
        self.assertEqual(status, 200, made)
        status, codes = admin.json("GET", "/api/devices/codes")
        new = [c for c in codes if c["id"] not in {e["id"] for e in earlier}]
        self.assertEqual(len(new), 1, codes)
        self.assertEqual((new[0]["ward"], new[0]["role"], new[0]["state"]), (self.s.OTHER_WARD, "officer", "unused"))
        self.assertEqual(new[0]["expires_ms"], made["enrollment"]["expires_ms"])
        code_id = new[0]["id"]
        # A ward-limited admin would not see it: the limited reviewer may not list at all.
        self.assertEqual(self.http("limited").call("GET", "/api/devices/codes")[0], 403)
        # Not for a reviewer.
        self.assertEqual(self.http("reviewer").call("GET", "/api/devices/codes")[0], 403)
        self.assertEqual(self.http("reviewer").json("POST", f"/api/devices/codes/{code_id}/cancel", {})[0], 403)
        self.assertEqual(admin.call("POST", f"/api/devices/codes/{code_id}/cancel", {}, csrf=False)[0], 403)
        self.assertEqual(admin.json("POST", f"/api/devices/codes/{'f' * 16}/cancel", {})[0], 404)
        status, body = admin.json("POST", f"/api/devices/codes/{code_id}/cancel", {})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["state"], "cancelled")
        self.assertEqual(body["cancelled_by"], "admin (dashboard, 127.0.0.1)")
        self.assertNotIn(code_id, [c["id"] for c in admin.json("GET", "/api/devices/codes")[1]])
        self.assertEqual(admin.json("POST", f"/api/devices/codes/{code_id}/cancel", {})[0], 404)
        # The cancelled code no longer enrolls a device.
        r = subprocess.run([f"{BIN}/wardsync", "init", "--data", f"{self.s.dir}/cancelled", "--code",
                            made["enrollment"]["code"], "--officer", "Cán bộ"], capture_output=True, text=True, timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("cancelled", r.stderr)
        listed = json.loads(self.s.server(["codes", "list", "--data", self.s.srv, "--all", "--json"]).stdout)
        self.assertEqual([c["state"] for c in listed if c["id"] == code_id], ["cancelled"])

    def test_codes_commands_refuse_bad_input(self):
        for args, code, message in ((["codes", "cancel", "xyz"], 2, "is not a code id"),
                                    (["codes", "cancel", "0123abcd"], 1, "no enrollment code"),
                                    (["codes", "cancel"], 2, "exactly one code ID"),
                                    (["codes", "list", "extra"], 2, "no positional argument")):
            r = self.s.server(args + ["--data", self.s.srv], check=False)
            self.assertEqual(r.returncode, code, (args, r.stderr))
            self.assertIn(message, r.stderr, args)
        r = self.s.server(["codes", "--help"], check=False)
        self.assertIn("codes list", r.stdout + r.stderr)

    # ---- Host header (DNS rebinding) ----
    def test_other_host_is_refused_before_anything(self):
        port = self.s.url.rsplit(":", 1)[1]
        h = Http(self.s.url)
        for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example", ""):
            for method, path, body in (("GET", "/", None), ("GET", "/app.js", None),
                                       ("POST", "/api/login", {"username": "admin", "password": PASSWORD}),
                                       ("GET", "/metrics", None)):
                status, raw, _ = h.call(method, path, body, headers={"Host": host})
                self.assertEqual(status, 403, (host, path, raw))
        self.assertFalse(h.cookie())
        self.s.proc.wait_line('for host "evil.example" refused (not this server)')
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", "LOCALHOST"):
            self.assertEqual(h.call("GET", "/", headers={"Host": host})[0], 200, host)
        status, _ = h.login("viewer")
        self.assertEqual(status, 200)


class DashboardRestartTest(unittest.TestCase):
    """Sessions are kept in the store: a restart logs nobody out, an idle one stays ended. A stack of its own
    (it restarts the server)."""

    def setUp(self):
        self.s = DashStack(BIN, SRC)

    def tearDown(self):
        self.s.close()

    def test_sessions_survive_a_restart_but_not_idleness(self):
        h = Http(self.s.url)
        self.assertEqual(h.login("reviewer")[0], 200)
        csrf = h.csrf
        self.s.restart()
        h.base = self.s.url
        status, body = h.json("GET", "/api/session")
        self.assertEqual(status, 200, body)
        self.assertEqual((body["user"], body["csrf"]), ("reviewer", csrf))  # the same session, its CSRF token too
        # A POST with the kept CSRF token gets past the session checks to the API's own answer.
        status, body = h.json("POST", "/api/conflicts/no-such-conflict/resolve", {"dismiss": True})
        self.assertEqual(status, 400, body)
        self.assertIn("reason", body["error"])
        # Idle longer than --dashboard-idle-s across a restart: the session is over.
        last_use = time.time()
        self.s.proc.stop()
        while time.time() < last_use + 2.5:  # the idle time itself has to pass
            time.sleep(0.1)
        self.s.restart(["--dashboard-idle-s", "2"])
        h.base = self.s.url
        status, body = h.json("GET", "/api/session")
        self.assertEqual(status, 401, body)
        self.assertEqual(Http(self.s.url).login("reviewer")[0], 200)  # logging in again works


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[3:])  # extra: test names to run

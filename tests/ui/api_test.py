"""API-level tests of the officer app (client/ui): every refusal, and that a
refused request changes nothing. Runs the real server, client and agent
(stack.py). Usage: api_test.py BIN_DIR SOURCE_DIR"""
import http.client
import json
import os
import stat
import sys
import unittest

from stack import Stack

BIN, SRC = sys.argv[1], sys.argv[2]
MEETING = {"candidate": "Trần Thị Bình", "meeting_date": "2026-11-20", "invited": 120, "attended": 95,
           "notes": "Cử tri đề nghị làm rõ lý lịch; ý kiến đồng thuận cao."}


class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = Stack(BIN, SRC)
        cls.host = cls.stack.base.split("//", 1)[1]
        cls.cookie, cls.csrf = cls.login()

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    @classmethod
    def request(cls, method, path, body=None, headers=None, host=None):
        h, p = cls.host.rsplit(":", 1)
        conn = http.client.HTTPConnection(h, int(p), timeout=30)
        hdrs = {"Host": host or cls.host}
        hdrs.update(headers or {})
        data = body if isinstance(body, (bytes, type(None))) else body.encode()
        conn.request(method, path, body=data, headers=hdrs)
        res = conn.getresponse()
        raw = res.read()
        conn.close()
        return res, raw

    @classmethod
    def login(cls):
        path = cls.stack.url.split(cls.host, 1)[1]
        res, _ = cls.request("GET", path)
        assert res.status == 303, res.status
        cookie = res.getheader("Set-Cookie")
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie, cookie
        pair = cookie.split(";")[0]
        res, raw = cls.request("GET", "/api/session", headers={"Cookie": pair})
        assert res.status == 200, raw
        return pair, json.loads(raw)["csrf"]

    def api(self, method, path, body=None, csrf=True, cookie=True, content_type="application/json", host=None):
        headers = {}
        if cookie:
            headers["Cookie"] = self.cookie
        if csrf and method == "POST":
            headers["X-CSRF-Token"] = self.csrf
        if content_type and body is not None:
            headers["Content-Type"] = content_type
        if isinstance(body, dict):
            body = json.dumps(body)
        res, raw = self.request(method, path, body, headers, host)
        data = json.loads(raw) if raw else None
        return res, data

    def records(self):
        return self.stack.client_json(["list"])

    def assert_error(self, res, data, status):
        self.assertEqual(res.status, status, data)
        self.assertTrue(res.getheader("Content-Type").startswith("application/json"))
        self.assertIsInstance(data.get("error"), str)
        self.assertTrue(data["error"])

    # ---- refusals ----
    def test_no_session_is_401_and_changes_nothing(self):
        before = self.records()
        res, data = self.api("GET", "/api/status", cookie=False)
        self.assert_error(res, data, 401)
        res, data = self.api("POST", "/api/records", {"form": "voter-meeting", "values": MEETING}, cookie=False)
        self.assert_error(res, data, 401)
        res, data = self.api("POST", "/api/sync", {}, cookie=False)
        self.assert_error(res, data, 401)
        res, data = self.request("GET", "/api/status", headers={"Cookie": self.cookie.split("=")[0] + "=" + "0" * 64})
        self.assertEqual(res.status, 401)
        self.assertEqual(self.records(), before)

    def test_wrong_secret_gets_no_session(self):
        res, raw = self.request("GET", "/login?token=" + "0" * 64)
        self.assertEqual(res.status, 401)
        self.assertIsNone(res.getheader("Set-Cookie"))
        res, raw = self.request("GET", "/login")
        self.assertEqual(res.status, 401)

    def test_wrong_host_is_refused(self):
        before = self.records()
        port = self.host.rsplit(":", 1)[1]
        for host in (f"evil.example:{port}", f"localhost:{port}", "127.0.0.1"):
            res, data = self.api("GET", "/", host=host)
            self.assert_error(res, data, 403)
            res, data = self.api("POST", "/api/records", {"form": "voter-meeting", "values": MEETING}, host=host)
            self.assert_error(res, data, 403)
        self.assertEqual(self.records(), before)

    def test_missing_or_wrong_csrf_is_refused(self):
        before = self.records()
        res, data = self.api("POST", "/api/records", {"form": "voter-meeting", "values": MEETING}, csrf=False)
        self.assert_error(res, data, 403)
        res, data = self.request("POST", "/api/records", json.dumps({"form": "voter-meeting", "values": MEETING}),
                                 {"Cookie": self.cookie, "X-CSRF-Token": "0" * 64, "Content-Type": "application/json"})
        self.assertEqual(res.status, 403)
        res, data = self.api("POST", "/api/sync", {}, csrf=False)
        self.assert_error(res, data, 403)
        self.assertEqual(self.records(), before)

    def test_not_json_content_type_is_refused(self):
        res, data = self.api("POST", "/api/records", "form=voter-meeting", content_type="application/x-www-form-urlencoded")
        self.assert_error(res, data, 415)

    def test_bad_json_is_400(self):
        before = self.records()
        for body in ("{not json", "[1,2]", "", '{"form": 5, "values": {}}', '{"form": "voter-meeting"}',
                     '{"form": "voter-meeting", "values": {"invited": {"a": 1}}}'):
            res, data = self.api("POST", "/api/records", body)
            self.assert_error(res, data, 400)
        self.assertEqual(self.records(), before)

    def test_unknown_form_and_field(self):
        before = self.records()
        res, data = self.api("POST", "/api/records", {"form": "no-such-form", "values": {}})
        self.assert_error(res, data, 404)
        self.assertIn("no-such-form", data["error"])
        res, data = self.api("GET", "/api/records?form=no-such-form")
        self.assert_error(res, data, 404)
        res, data = self.api("POST", "/api/records", {"form": "voter-meeting", "values": dict(MEETING, bogus="1")})
        self.assert_error(res, data, 400)
        self.assertIn("bogus", data["error"])
        res, data = self.api("GET", "/api/nothing-here")
        self.assert_error(res, data, 404)
        self.assertEqual(self.records(), before)

    def test_oversized_body_is_413(self):
        before = self.records()
        big = {"form": "voter-meeting", "values": dict(MEETING, notes="x" * 100_000)}
        res, data = self.api("POST", "/api/records", big)
        self.assert_error(res, data, 413)
        self.assertEqual(self.records(), before)

    def test_broken_rule_names_both_fields_and_stores_nothing(self):
        before = self.records()
        res, data = self.api("POST", "/api/records", {"form": "voter-meeting",
                                                       "values": dict(MEETING, invited=50, attended=95, candidate="")})
        self.assertEqual(res.status, 422, data)
        by_kind = {p["kind"]: p for p in data["problems"]}
        self.assertEqual(by_kind["rule"]["fields"], ["attended", "invited"])
        self.assertIn("attended <= invited", by_kind["rule"]["message"])
        self.assertTrue(by_kind["rule"]["label"])  # the pack's Vietnamese explanation
        self.assertEqual(by_kind["required"]["fields"], ["candidate"])
        res, data = self.api("POST", "/api/records", {"form": "voter-meeting", "values": dict(MEETING, invited="abc")})
        self.assertEqual(res.status, 422, data)
        self.assertEqual(data["problems"][0]["fields"], ["invited"])
        self.assertIn("not an integer", data["problems"][0]["message"])
        self.assertEqual(self.records(), before)


    # ---- review queue, resolve, evaluate, status ----
    def test_session_names_the_ward_from_the_published_list(self):
        res, data = self.api("GET", "/api/session")
        self.assertEqual(res.status, 200, data)
        self.assertEqual(data["wards"][self.stack.WARD], "Phường Hoàng Văn Thụ")
        self.assertEqual(data["status"]["ward"], self.stack.WARD)

    def test_status_has_a_live_probe_and_the_rejected_list(self):
        res, data = self.api("GET", "/api/status")
        self.assertEqual(res.status, 200, data)
        self.assertTrue(data["probe"]["known"], data)
        self.assertTrue(data["probe"]["reachable"], data)  # the server is up: a TCP connect just now
        self.assertTrue(data["probe"]["checked"].endswith("Z"), data)
        self.assertEqual(data["rejected"], [])  # the same list as `wardsync status --json`
        self.assertIn("last_attempt_ms", data)

    def test_review_queue_is_the_conflicts_command(self):
        res, data = self.api("GET", "/api/conflicts")
        self.assertEqual(res.status, 200, data)
        self.assertEqual(data, self.stack.client_json(["conflicts"]))
        res, data = self.api("GET", "/api/conflicts", cookie=False)
        self.assert_error(res, data, 401)

    def test_resolve_refusals_change_nothing(self):
        before = self.stack.client_json(["status"])["pending"]
        body = {"conflict": "0" * 32 + ":attended", "pick": 1, "reason": "theo biên bản"}
        res, data = self.api("POST", "/api/resolve", body, cookie=False)
        self.assert_error(res, data, 401)
        res, data = self.api("POST", "/api/resolve", body, csrf=False)
        self.assert_error(res, data, 403)
        res, data = self.api("POST", "/api/resolve", "{not json")
        self.assert_error(res, data, 400)
        res, data = self.api("POST", "/api/resolve", {"pick": 1, "reason": "x"})
        self.assert_error(res, data, 400)
        self.assertIn("conflict", data["error"])
        res, data = self.api("POST", "/api/resolve", {"conflict": body["conflict"], "pick": 1})
        self.assert_error(res, data, 400)  # the command's own check: a reason is required
        self.assertIn("--reason", data["error"])
        res, data = self.api("POST", "/api/resolve", {"conflict": body["conflict"], "set": "x", "reason": "x"})
        self.assert_error(res, data, 400)
        res, data = self.api("POST", "/api/resolve", body)  # an officer device: the command refuses
        self.assert_error(res, data, 409)
        self.assertIn("only reviewers", data["error"])
        self.assertEqual(self.stack.client_json(["status"])["pending"], before)

    def test_evaluate_answers_the_shape_and_refuses_like_the_rest(self):
        path = "/api/forms/voter-meeting/evaluate"
        res, data = self.api("POST", path, {"values": MEETING})
        self.assertEqual(res.status, 200, data)
        self.assertEqual(set(data), {"relevant", "required", "computed", "problems"})
        self.assertTrue(data["relevant"]["candidate"])
        self.assertTrue(data["required"]["candidate"])  # as the definition says
        self.assertFalse(data["required"]["notes"])
        self.assertIsInstance(data["problems"], list)
        res, data = self.api("POST", path, {"values": MEETING}, cookie=False)
        self.assert_error(res, data, 401)
        res, data = self.api("POST", path, {"values": MEETING}, csrf=False)
        self.assert_error(res, data, 403)
        for body in ("{not json", "[]", '{"values": 3}'):
            res, data = self.api("POST", path, body)
            self.assert_error(res, data, 400)
        res, data = self.api("POST", "/api/forms/no-such-form/evaluate", {"values": {}})
        self.assert_error(res, data, 404)
        res, data = self.api("POST", path, {"values": dict(MEETING, notes="x" * 100_000)})
        self.assert_error(res, data, 413)

    def test_evaluate_runs_the_form_engine_on_repeat_groups(self):
        """The pack's tally-minutes: computed turnout, row paths GROUP[ROW].SUB, a per-row rule named on its fields,
        each problem with its code and Vietnamese text (forms_util::Evaluate)."""
        values = {"voters_listed": 200, "voters_voted": 150, "valid_ballots": 100,
                  "candidates": [{"_row": "r1", "candidate": "qh-dv1-nguyen-van-hung", "votes": 120}, {"_row": "r2", "votes": 5}]}
        res, data = self.api("POST", "/api/forms/tally-minutes/evaluate", {"values": values})
        self.assertEqual(res.status, 200, data)
        self.assertEqual(data["computed"]["turnout_percent"], 75)
        self.assertTrue(data["required"]["candidates[r2].candidate"])
        codes = {(p["code"], tuple(p["fields"])) for p in data["problems"]}
        self.assertIn(("required", ("candidates[r2].candidate",)), codes)
        rule = [p for p in data["problems"] if p["code"] == "rule_broken" and "candidates[r1].votes" in p["fields"]]
        self.assertEqual(len(rule), 1, data["problems"])
        self.assertIn("valid_ballots", rule[0]["fields"])
        self.assertIn("không thỏa", rule[0]["text"]["vi"])

    def test_a_record_changed_by_another_device_says_what_changed(self):
        st = self.stack
        res, data = self.api("POST", "/api/records", {"form": "voter-meeting", "values": MEETING})
        self.assertEqual(res.status, 201, data)
        rid = data["id"]
        res, data = self.api("GET", f"/api/records/{rid}")
        self.assertEqual(data["changed_since"], [])  # only this device wrote it
        other = st.add_device("other-api", "Lý Thị Thu")
        st.run_client(["sync", "--data", st.cli_data])
        st.edit_elsewhere(other, rid, "attended=97")
        res, data = self.api("GET", f"/api/records/{rid}")
        self.assertEqual(res.status, 200, data)
        changed = data["changed_since"]
        self.assertEqual([c["field"] for c in changed], ["attended"])
        self.assertEqual(changed[0]["value"], 97)
        self.assertEqual(changed[0]["officer"], "Lý Thị Thu")

    # ---- what works ----
    def test_create_edit_delete_through_the_cli_functions(self):
        res, data = self.api("POST", "/api/records", {"form": "voter-meeting", "values": MEETING})
        self.assertEqual(res.status, 201, data)
        rid = data["id"]
        shown = self.stack.client_json(["show", rid])
        self.assertEqual(shown["fields"]["candidate"], "Trần Thị Bình")
        self.assertEqual(shown["fields"]["notes"], MEETING["notes"])
        self.assertEqual(shown["fields"]["invited"], 120)
        res, data = self.api("GET", "/api/records?form=voter-meeting")
        self.assertIn(rid, [r["id"] for r in data])
        # Edit: an unchanged value makes no change; a changed one does.
        res, data = self.api("POST", f"/api/records/{rid}", {"values": dict(MEETING, attended=101)})
        self.assertEqual(res.status, 200, data)
        self.assertEqual(self.stack.client_json(["show", rid])["fields"]["attended"], 101)
        res, data = self.api("POST", f"/api/records/{rid}", {"values": dict(MEETING, attended=101)})
        self.assertTrue(data.get("unchanged"), data)
        # An edit that breaks a rule is refused and changes nothing.
        res, data = self.api("POST", f"/api/records/{rid}", {"values": dict(MEETING, attended=500)})
        self.assertEqual(res.status, 422, data)
        self.assertEqual(self.stack.client_json(["show", rid])["fields"]["attended"], 101)
        res, data = self.api("POST", f"/api/records/{rid}/delete", {})
        self.assertEqual(res.status, 200, data)
        self.assertTrue(self.stack.client_json(["show", rid])["deleted"])

    def test_pages_carry_a_strict_csp_and_no_inline_script(self):
        res, raw = self.request("GET", "/")
        self.assertEqual(res.status, 200)
        csp = res.getheader("Content-Security-Policy")
        self.assertIn("default-src 'none'", csp)
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(res.getheader("X-Content-Type-Options"), "nosniff")
        html = raw.decode()
        self.assertNotIn("<script>", html)
        self.assertNotIn("style=", html)
        self.assertNotIn("http://", html.replace('lang="vi"', ""))  # nothing from elsewhere
        res, raw = self.request("GET", "/app.js")
        self.assertTrue(res.getheader("Content-Type").startswith("text/javascript"))

    def test_ui_url_file_and_command(self):
        path = os.path.join(self.stack.cli_data, "ui-url")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path) as f:
            self.assertEqual(f.read().strip(), self.stack.url)
        out = self.stack.run_client(["ui", "--data", self.stack.cli_data]).stdout.strip()
        self.assertEqual(out, self.stack.url)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[3:])

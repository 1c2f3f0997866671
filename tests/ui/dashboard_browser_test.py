"""The committee dashboard in a real headless Chromium through WebDriver,
against the real server and ward clients (dashboard_stack.py). Every wait is
a WebDriverWait on the page's state (or on a file appearing), never a sleep.
Screenshots at 1366x768 and 360 px wide, in Vietnamese, go to SHOT_DIR.
Usage: dashboard_browser_test.py BIN_DIR SOURCE_DIR SHOT_DIR"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from dashboard_stack import PASSWORD, DashStack

BIN, SRC, SHOTS = sys.argv[1], sys.argv[2], sys.argv[3]
WAIT = 30


def make_driver(width, height, downloads):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    # The dashboard's certificate is its own (self-signed P-256): not in any trust store here.
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=vi",
              "--ignore-certificate-errors", f"--window-size={width},{height}"):
        opts.add_argument(a)
    opts.add_experimental_option("prefs", {"intl.accept_languages": "vi", "download.default_directory": downloads,
                                           "download.prompt_for_download": False})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    if width < 500:  # headless windows are at least 500 px wide: emulate the phone's viewport
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                          {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
    return d


class DashboardBrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.makedirs(SHOTS, exist_ok=True)
        cls.s = DashStack(BIN, SRC)
        cls.record = cls.s.make_conflict()
        cls.s.turnout_reports()
        cls.downloads = tempfile.mkdtemp(prefix="dash-dl-")
        cls.d = make_driver(1366, 768, cls.downloads)
        cls.login(cls.d, "admin")
        cls.phone = make_driver(360, 740, cls.downloads)
        cls.login(cls.phone, "admin")

    @classmethod
    def tearDownClass(cls):
        cls.d.quit()
        cls.phone.quit()
        cls.s.close()

    @classmethod
    def login(cls, d, user):
        d.get(cls.s.url + "/")
        WebDriverWait(d, WAIT).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=username]")))
        d.find_element(By.CSS_SELECTOR, "input[name=username]").send_keys(user)
        d.find_element(By.CSS_SELECTOR, "input[name=password]").send_keys(PASSWORD)
        d.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(d, WAIT).until(EC.presence_of_element_located((By.CSS_SELECTOR, "table#wards tr[data-ward]")))

    def css(self, sel, d=None):
        return WebDriverWait(d or self.d, WAIT).until(EC.presence_of_element_located((By.CSS_SELECTOR, sel)))

    def go(self, hash_, sel, d=None):
        d = d or self.d
        url = self.s.url + "/" + hash_
        if d.current_url == url:
            d.refresh()  # the same address again: no navigation, no hashchange
        else:
            d.get(url)
        return self.css(sel, d)

    def shot(self, name, d=None):
        (d or self.d).save_screenshot(os.path.join(SHOTS, name))

    def phone_shot(self, hash_, sel, name):
        """The same page 360 px wide: no sideways scrolling, and a screenshot."""
        self.go(hash_, sel, self.phone)
        wide = self.phone.execute_script(
            "return [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > "
            "document.documentElement.clientWidth + 1 && !e.closest('.scroll')).map(e => e.tagName + '.' + e.className)")
        self.assertEqual(wide, [], hash_)
        self.shot(name, self.phone)

    def test_1_login_page_and_wrong_password(self):
        d = make_driver(1366, 768, self.downloads)
        try:
            d.get(self.s.url + "/")
            WebDriverWait(d, WAIT).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=username]")))
            self.assertEqual(d.find_element(By.CSS_SELECTOR, "button[type=submit]").text, "Đăng nhập")
            self.shot("dashboard-login.png", d)
            d.find_element(By.CSS_SELECTOR, "input[name=username]").send_keys("reviewer")
            d.find_element(By.CSS_SELECTOR, "input[name=password]").send_keys("sai-mật-khẩu")
            d.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            WebDriverWait(d, WAIT).until(EC.text_to_be_present_in_element((By.ID, "login-error"), "Sai tên đăng nhập"))
            self.assertFalse(d.find_element(By.ID, "login-view").get_attribute("hidden"))
        finally:
            d.quit()

    def test_2_overview_shows_every_published_ward(self):
        self.go("#/", "table#wards tr[data-ward]")
        with open(os.path.join(SRC, "forms/election/wards.json")) as f:
            wards = [w["id"] for w in json.load(f)["wards"]]
        rows = self.d.find_elements(By.CSS_SELECTOR, "table#wards tbody tr[data-ward]")
        self.assertEqual(sorted(r.get_attribute("data-ward") for r in rows), sorted(wards))
        row = self.d.find_element(By.CSS_SELECTOR, f'tr[data-ward="{self.s.WARD}"]')
        cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        self.assertEqual(cells[1], "2")          # two devices
        # Forms named by their Vietnamese titles, not ASCII ids.
        self.assertIn("Hội nghị cử tri góp ý người ứng cử (nơi cư trú, nơi công tác): 1", cells[4])
        self.assertIn("Báo cáo tiến độ bỏ phiếu: 2", cells[4])
        self.assertNotIn("voter-meeting", cells[4])
        self.assertEqual(cells[5], "1")          # one open conflict
        self.shot("dashboard-overview.png")

    def test_3_resolve_a_conflict_with_a_reason(self):
        card = self.go("#/review", "[data-conflict-id]")
        cid = card.get_attribute("data-conflict-id")
        self.assertIn("81", card.text)
        self.assertIn("82", card.text)
        self.shot("dashboard-review.png")
        card.find_element(By.CSS_SELECTOR, "input[type=radio][value='2']").click()
        card.find_element(By.CSS_SELECTOR, "button[type=submit]").click()  # no reason yet: the form refuses
        self.assertTrue(card.find_elements(By.CSS_SELECTOR, "textarea[name=reason]:invalid"))
        self.assertTrue(self.d.find_elements(By.CSS_SELECTOR, f'[data-conflict-id="{cid}"]'))
        card.find_element(By.CSS_SELECTOR, "textarea[name=reason]").send_keys("Đối chiếu biên bản gốc: 82 người")
        card.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(self.d, WAIT).until(
            lambda d: not d.find_elements(By.CSS_SELECTOR, f'[data-conflict-id="{cid}"]') and
            d.find_elements(By.CSS_SELECTOR, "main h1"))
        # Closed on the server, with who/where in the record's history.
        conflicts = json.loads(self.s.server(["conflicts", "--data", self.s.srv, "--json"]).stdout)
        self.assertNotIn(cid, [c["id"] for c in conflicts])
        self.go(f"#/record/{self.record}", "table#history tbody tr")
        text = self.d.find_element(By.ID, "history").text
        self.assertIn("admin (dashboard, 127.0.0.1)", text)
        self.assertIn("Đối chiếu biên bản gốc: 82 người", text)
        self.assertIn(cid, self.d.find_element(By.CSS_SELECTOR, "[data-event=conflicts_resolved]").text)
        self.shot("dashboard-history.png")

    def test_4_download_csv_export(self):
        self.go("#/exports", "a[data-export='voter-meeting.csv']").click()
        path = os.path.join(self.downloads, "voter-meeting.csv")
        WebDriverWait(self.d, WAIT).until(lambda d: os.path.exists(path) and os.path.getsize(path) > 0)
        with open(path, "rb") as f:
            raw = f.read()
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        self.assertEqual([r["id"] for r in rows], [self.record])
        self.assertEqual(rows[0]["candidate"], "qh-dv1-nguyen-van-hung")
        self.assertEqual(rows[0]["ward"], self.s.WARD)

    def test_5_enroll_a_device_from_the_page(self):
        self.go("#/devices", "#enroll-form")
        form = self.d.find_element(By.ID, "enroll-form")
        form.find_element(By.CSS_SELECTOR, f"select[name=ward] option[value='{self.s.OTHER_WARD}']").click()
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        code = self.css("#enroll-code").text.strip()
        self.css("svg#enroll-qr")
        self.shot("dashboard-enroll.png")
        data = os.path.join(self.s.dir, "from-page")
        r = subprocess.run([os.path.join(BIN, "wardsync"), "init", "--data", data, "--code", code, "--officer",
                            "Cán bộ mới"], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        devices = json.loads(self.s.server(["devices", "--data", self.s.srv, "--json"]).stdout)
        self.assertIn(self.s.OTHER_WARD, [dv["ward"] for dv in devices])

    def test_6_reports_and_phone_width(self):
        self.go("#/reports", "details[data-ward]")
        self.assertTrue(self.d.find_elements(By.CSS_SELECTOR, "svg.chart"))  # the share-agreeing chart
        self.shot("dashboard-reports.png")
        phone = make_driver(360, 740, self.downloads)
        try:
            self.login(phone, "limited")
            rows = phone.find_elements(By.CSS_SELECTOR, "table#wards tbody tr[data-ward]")
            self.assertEqual([r.get_attribute("data-ward") for r in rows], [self.s.WARD])
            wide = phone.execute_script(
                "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
                "document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className + '#' + e.id)")
            self.assertEqual(phone.execute_script("return document.documentElement.clientWidth"), 360)
            self.assertEqual(wide, [])  # no sideways scrolling on a phone
            self.shot("dashboard-phone.png", phone)
        finally:
            phone.quit()

    def test_8a_review_a_record_from_its_page(self):
        officer = self.s.clients[0]
        rid = self.s.new_meeting(officer, candidate="qh-dv1-pham-thi-hong-nhung")
        self.go(f"#/record/{rid}", "#review-form")
        self.assertEqual(self.d.find_element(By.CSS_SELECTOR, "#review [data-review]").text, "đã nhận")
        form = self.d.find_element(By.ID, "review-form")
        form.find_element(By.CSS_SELECTOR, "select[name=state] option[value='needs-correction']").click()
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()  # no comment: the page asks for one
        WebDriverWait(self.d, WAIT).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "#review-form .error"),
                                                                           "Hãy ghi nhận xét"))
        self.assertEqual(self.history(rid)["review"]["status"], "received")  # nothing sent
        form.find_element(By.CSS_SELECTOR, "textarea[name=comment]").send_keys("Thiếu chữ ký của thư ký hội nghị")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(self.d, WAIT).until(EC.text_to_be_present_in_element((By.ID, "review-comments"),
                                                                           "Thiếu chữ ký của thư ký hội nghị"))
        self.assertEqual(self.d.find_element(By.CSS_SELECTOR, "#review h2 [data-review]").text, "cần sửa")
        self.assertIn("admin (dashboard, 127.0.0.1)", self.d.find_element(By.ID, "review-comments").text)
        self.assertIn("xem xét", self.d.find_element(By.ID, "history").text)  # the REVIEW change in the history
        self.shot("dashboard-record-review.png")
        self.phone_shot(f"#/record/{rid}", "#review-comments", "dashboard-record-review-phone.png")
        # The officer's device has it after a sync.
        self.s.client(officer, ["sync", "--quiet"])
        self.assertIn("needs-correction: Thiếu chữ ký của thư ký hội nghị", self.s.client(officer, ["show", rid]).stdout)
        # Approve: the records browser shows the state.
        form = self.go(f"#/record/{rid}", "#review-form")
        form.find_element(By.CSS_SELECTOR, "select[name=state] option[value='approved']").click()
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(self.d, WAIT).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "#review h2"), "đã duyệt"))
        self.go(f"#/records?ward={self.s.WARD}", f"tr[data-record='{rid}']")
        self.assertEqual(self.d.find_element(By.CSS_SELECTOR, f"tr[data-record='{rid}'] [data-review]").text, "đã duyệt")

    def history(self, rid):
        return json.loads(self.s.server(["history", rid, "--data", self.s.srv, "--json"]).stdout)

    def test_8b_resolve_a_rule_conflict_from_the_page(self):
        rid = self.s.make_rule_conflict()
        sel = f"[data-kind=rule][data-conflict-id^='{rid}']"
        card = self.go("#/review", sel)
        cid = card.get_attribute("data-conflict-id")
        labels = card.text
        self.assertIn("Số cử tri không tín nhiệm", labels)  # the fields by their labels, not their ids
        self.assertNotIn("disagree", labels)
        self.shot("dashboard-review-rule.png")
        self.phone_shot("#/review", sel, "dashboard-review-phone.png")
        agree = card.find_element(By.CSS_SELECTOR, "input[name=set-agree]")
        self.assertEqual(agree.get_attribute("value"), "65")
        agree.clear()
        agree.send_keys("60")  # 60 + 25 > 80: still broken, refused by the server
        card.find_element(By.CSS_SELECTOR, "textarea[name=reason]").send_keys("Đối chiếu biên bản hội nghị")
        card.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(self.d, WAIT).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, sel + " .error"), "rule"))
        agree.clear()
        agree.send_keys("55")
        card.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(self.d, WAIT).until(lambda d: not d.find_elements(By.CSS_SELECTOR, sel))
        conflicts = json.loads(self.s.server(["conflicts", "--data", self.s.srv, "--json"]).stdout)
        self.assertNotIn(cid, [c["id"] for c in conflicts])
        records = json.loads(self.s.server(["records", "--data", self.s.srv, "--json"]).stdout)
        self.assertEqual([r["fields"]["agree"] for r in records if r["id"] == rid], [55])

    def test_8b2_dismiss_a_rejected_change_from_the_page(self):
        rid, _ = self.s.make_rejected()
        sel = f"[data-kind=rejected][data-conflict-id^='{rid}']"
        card = self.go("#/review", sel)
        cid = card.get_attribute("data-conflict-id")
        self.assertEqual(card.find_element(By.CSS_SELECTOR, "input[name=set-attended]").get_attribute("value"), "85")
        self.assertIn("Số cử tri tham dự", card.text)
        self.shot("dashboard-review-rejected.png")
        card.find_element(By.CSS_SELECTOR, "textarea[name=reason]").send_keys("Sai phường, không áp dụng")
        card.find_element(By.CSS_SELECTOR, "button[value=dismiss]").click()
        WebDriverWait(self.d, WAIT).until(lambda d: not d.find_elements(By.CSS_SELECTOR, sel))
        conflicts = json.loads(self.s.server(["conflicts", "--data", self.s.srv, "--json"]).stdout)
        self.assertNotIn(cid, [c["id"] for c in conflicts])
        records = json.loads(self.s.server(["records", "--data", self.s.srv, "--json"]).stdout)
        self.assertEqual([r["fields"]["attended"] for r in records if r["id"] == rid], [80])  # not applied

    def test_8b3_delete_a_duplicate_copy_from_the_page(self):
        first, second = self.s.make_duplicate(self.s.WARD + "-kv02")
        sel = f"[data-kind=duplicate][data-conflict-id^='{second}']"
        card = self.go("#/review", sel)
        cid = card.get_attribute("data-conflict-id")
        self.assertIn("Hồ sơ trùng lặp", card.text)
        # Both records side by side: values by their labels, who and when.
        mine = card.find_element(By.CSS_SELECTOR, f".dup-rec[data-record='{second}']")
        other = card.find_element(By.CSS_SELECTOR, f".dup-rec[data-record='{first}']")
        self.assertEqual(mine.find_element(By.CSS_SELECTOR, "dd[data-field=votes_cast]").text, "620")
        self.assertEqual(other.find_element(By.CSS_SELECTOR, "dd[data-field=votes_cast]").text, "600")
        self.assertIn("Cán bộ c2", mine.text)
        self.assertIn("Cán bộ c1", other.text)
        area = mine.find_element(By.CSS_SELECTOR, "dd.key[data-field=polling_area]").text
        self.assertTrue("số 2" in area or "kv02" in area, area)  # the list's label (or its value)
        self.assertNotIn("votes_cast", card.text)
        self.shot("dashboard-review-duplicate.png")
        self.phone_shot("#/review", sel, "dashboard-review-duplicate-phone.png")
        card = self.go("#/review", sel)
        card.find_element(By.CSS_SELECTOR, "button[value=delete]").click()  # no reason: the form refuses
        self.assertTrue(card.find_elements(By.CSS_SELECTOR, "textarea[name=reason]:invalid"))
        card.find_element(By.CSS_SELECTOR, "textarea[name=reason]").send_keys("Một biên bản gửi hai lần")
        card.find_element(By.CSS_SELECTOR, "button[value=delete]").click()
        WebDriverWait(self.d, WAIT).until(lambda d: not d.find_elements(By.CSS_SELECTOR, sel))
        conflicts = json.loads(self.s.server(["conflicts", "--data", self.s.srv, "--json"]).stdout)
        self.assertNotIn(cid, [c["id"] for c in conflicts])
        records = {r["id"]: r for r in json.loads(self.s.server(["records", "--data", self.s.srv, "--json"]).stdout)}
        self.assertTrue(records[second]["deleted"])
        self.assertFalse(records[first]["deleted"])
        hist = self.history(second)
        self.assertIn("Một biên bản gửi hai lần", json.dumps(hist, ensure_ascii=False))

    def test_8c_cancel_an_unused_code_from_the_page(self):
        self.go("#/devices", "#enroll-form")
        form = self.d.find_element(By.ID, "enroll-form")
        form.find_element(By.CSS_SELECTOR, f"select[name=ward] option[value='{self.s.OTHER_WARD}']").click()
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        code = self.css("#enroll-code").text.strip()
        listed = json.loads(self.s.server(["codes", "list", "--data", self.s.srv, "--json"]).stdout)
        newest = max(listed, key=lambda c: c["created_ms"])
        row = self.css(f"#codes tr[data-code='{newest['id']}']")
        self.assertIn("Phường Cam Giá", row.text)  # the ward by its name, not its id
        self.assertNotIn(self.s.OTHER_WARD, row.text)
        self.d.execute_script("arguments[0].scrollIntoView()", row)
        self.shot("dashboard-codes.png")
        self.phone_shot("#/devices", "#codes", "dashboard-devices-phone.png")
        self.go("#/devices", f"#codes tr[data-code='{newest['id']}'] button").click()
        WebDriverWait(self.d, WAIT).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#unused-codes") and
            not d.find_elements(By.CSS_SELECTOR, f"#codes tr[data-code='{newest['id']}']"))
        everything = json.loads(self.s.server(["codes", "list", "--data", self.s.srv, "--all", "--json"]).stdout)
        self.assertEqual([c["state"] for c in everything if c["id"] == newest["id"]], ["cancelled"])
        r = subprocess.run([os.path.join(BIN, "wardsync"), "init", "--data", os.path.join(self.s.dir, "cancelled"),
                            "--code", code, "--officer", "Cán bộ"], capture_output=True, text=True, timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("cancelled", r.stderr)

    def test_8d_reports_in_vietnamese_with_the_turnout_chart(self):
        self.go("#/reports", "details[data-ward]")
        chart = self.css("figure[data-chart=turnout] svg")
        text = chart.text
        for label in ("9 giờ", "12 giờ", "30.0 %", "55.0 %"):
            self.assertIn(label, text)
        self.assertFalse(self.d.find_elements(By.ID, "turnout-note"))
        total = self.d.find_element(By.ID, "report-total").text
        self.assertIn("Số cử tri đã đi bầu", total)        # a form field's label
        self.assertIn("Tiến độ bỏ phiếu", total)           # a section's name
        self.assertIn("Hội nghị cử tri góp ý người ứng cử (nơi cư trú, nơi công tác)", total)  # a form's title (its latest version)
        for raw in ("open_conflicts", "voter_meetings", "checkpoints", "votes_cast", "invited", "share_agree",
                    "voter-meeting", "under_review"):
            self.assertNotIn(raw, total)
        # Every heading and label has its words: none falls back to the raw key with spaces.
        raw_keys = self.d.execute_script(
            "return [...document.querySelectorAll('#report-total [data-key]')]"
            ".filter(e => e.tagName !== 'TABLE' && e.tagName !== 'DETAILS' && e.dataset.key"
            " && e.textContent.trim() === e.dataset.key.replace(/_/g, ' ')).map(e => e.dataset.key)")
        self.assertEqual(raw_keys, [])
        self.shot("dashboard-reports.png")
        self.phone_shot("#/reports", "figure[data-chart=turnout]", "dashboard-reports-phone.png")
        # The areas not reported yet (every published area of the wards with no report) start folded: the
        # count, then the rows one click away.
        missing = self.d.find_element(By.CSS_SELECTOR, '#report-total details.long-list[data-key="missing"]')
        self.assertIsNone(missing.get_attribute("open"))
        summary = missing.find_element(By.TAG_NAME, "summary")
        self.assertRegex(summary.text, r"^\d+ mục · xem danh sách$")
        self.assertGreater(int(summary.text.split(" ")[0].replace(".", "")), 3)
        self.d.execute_script("arguments[0].scrollIntoView({block: 'start'})", missing)
        self.shot("dashboard-reports-missing-folded.png")
        count = int(summary.text.split(" ")[0].replace(".", ""))
        summary.click()
        self.assertEqual(missing.get_attribute("open"), "true")
        rows = missing.find_elements(By.CSS_SELECTOR, ":scope > div > table > tbody > tr")
        self.assertEqual(len(rows), count)
        self.shot("dashboard-reports-missing-open.png")

    def test_8d2_wards_and_forms_by_their_names(self):
        """No page shows a ward's ASCII id or a form's id where people read names (the overview keeps the id
        small under the name, the exports page under the title: the file's name)."""
        self.go(f"#/record/{self.record}", "table#history tbody tr")
        self.assertEqual(self.d.find_element(By.CSS_SELECTOR, "main h1").text,
                         "Lịch sử · Hội nghị cử tri góp ý người ứng cử (nơi cư trú, nơi công tác) · Phường Hoàng Văn Thụ")
        for hash_, sel in ((f"#/record/{self.record}", "table#history"), (f"#/ward/{self.s.WARD}", "table#devices"),
                           ("#/records", "table#records tbody tr"), ("#/review", "main h1"),
                           ("#/reports", "details[data-ward]"), ("#/devices", "table#devices tbody tr")):
            self.go(hash_, sel)
            text = self.d.find_element(By.TAG_NAME, "main").text
            self.assertNotIn(self.s.WARD, text, hash_)
            self.assertNotIn("voter-meeting", text, hash_)
        self.go("#/records", "table#records tbody tr")
        self.assertIn("Phường Hoàng Văn Thụ", self.d.find_element(By.ID, "records").text)
        self.shot("dashboard-records.png")
        self.phone_shot(f"#/record/{self.record}", "table#history", "dashboard-history-phone.png")

    def test_8e_answers_on_localhost_too(self):
        port = self.s.url.rsplit(":", 1)[1]
        d = make_driver(1366, 768, self.downloads)
        try:
            d.get(f"https://localhost:{port}/")
            WebDriverWait(d, WAIT).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[name=username]")))
        finally:
            d.quit()

    def test_7_english(self):
        self.go("#/", "table#wards")
        self.d.find_element(By.CSS_SELECTOR, "#lang option[value=en]").click()
        WebDriverWait(self.d, WAIT).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main h1"), "Wards"))
        self.shot("dashboard-overview-en.png")
        self.d.find_element(By.CSS_SELECTOR, "#lang option[value=vi]").click()
        WebDriverWait(self.d, WAIT).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main h1"), "Tổng quan"))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])

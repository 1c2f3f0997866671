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
        cls.downloads = tempfile.mkdtemp(prefix="dash-dl-")
        cls.d = make_driver(1366, 768, cls.downloads)
        cls.login(cls.d, "admin")

    @classmethod
    def tearDownClass(cls):
        cls.d.quit()
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

    def go(self, hash_, sel):
        self.d.get(self.s.url + "/" + hash_)
        return self.css(sel)

    def shot(self, name, d=None):
        (d or self.d).save_screenshot(os.path.join(SHOTS, name))

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
        self.assertIn("voter-meeting: 1", cells[4])
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
        self.assertEqual(rows[0]["candidate"], "Trần Văn An")
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

    def test_7_english(self):
        self.go("#/", "table#wards")
        self.d.find_element(By.CSS_SELECTOR, "#lang option[value=en]").click()
        WebDriverWait(self.d, WAIT).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main h1"), "Wards"))
        self.shot("dashboard-overview-en.png")
        self.d.find_element(By.CSS_SELECTOR, "#lang option[value=vi]").click()
        WebDriverWait(self.d, WAIT).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main h1"), "Tổng quan"))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])

// `report`: per ward, records per form, open conflicts, devices and their
// last contact; for the election pack, voter meetings, invited, attended
// and the share agreeing per candidate (server/audit/report_tally.h).
// Streams the store once; memory follows wards x forms x candidates.
#include <cstdio>

#include "common/render/record_render.h"
#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "server/audit/report_tally.h"
#include "server/store/server_keys.h"

namespace wardsync::server {
namespace {

using audit::ElectionTally;
using audit::WardTally;

std::string Percent(const std::optional<double>& share) {
  if (!share) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", *share * 100.0);
  return buf;
}

// A sum that overflowed is null, never a wrapped number (the object says
// "overflow": true).
void FigureJson(util::JsonWriter& w, const char* key, const audit::Figure& f) {
  w.Key(key);
  if (f.overflow()) w.Null();
  else w.Uint(f.value());
}

void ElectionJson(const ElectionTally& e, util::JsonWriter& w) {
  w.BeginObject().Key("meetings").Uint(e.meetings);
  FigureJson(w, "invited", e.invited);
  FigureJson(w, "attended", e.attended);
  w.Key("overflow").Bool(e.Overflowed());
  w.Key("provisional").Uint(e.provisional).Key("under_review").Uint(e.under_review).Key("candidates").BeginArray();
  for (const auto& [name, c] : e.candidates) {
    w.BeginObject().Key("candidate").String(name).Key("meetings").Uint(c.meetings);
    FigureJson(w, "attended", c.attended);
    w.Key("voted_meetings").Uint(c.voted_meetings);
    FigureJson(w, "voted_attended", c.voted_attended);
    FigureJson(w, "agree", c.agree);
    if (auto s = c.ShareAgree()) w.Key("share_agree").Raw(std::to_string(*s));
    else w.Key("share_agree").Null();
    w.EndObject();
  }
  w.EndArray().EndObject();
}

void WardJson(const WardTally& t, util::JsonWriter& w, bool with_devices) {
  w.Key("records").BeginObject();
  for (const auto& [form, f] : t.forms) {
    w.Key(form).BeginObject().Key("live").Uint(f.live).Key("deleted").Uint(f.deleted).EndObject();
  }
  w.EndObject();
  w.Key("open_conflicts").Uint(t.open_conflicts).Key("records_in_conflict").Uint(t.records_in_conflict);
  w.Key("rule_conflicts").Uint(t.rule_conflicts).Key("rejected_changes").Uint(t.rejected_changes);
  w.Key("under_review").BeginArray();
  for (const auto& item : t.review) {
    w.BeginObject().Key("record").String(item.record).Key("form").String(item.form);
    w.Key("problem").String(item.what).Key("values").String(item.values).EndObject();
  }
  w.EndArray();
  if (with_devices) {
    w.Key("devices").BeginArray();
    for (const auto& d : t.devices) {
      w.BeginObject().Key("id").String(d.id()).Key("role").String(d.role()).Key("label").String(d.label());
      w.Key("last_seq").Uint(d.last_seq()).Key("last_contact").String(render::TimeMs(d.last_contact_ms()));
      w.Key("revoked").Bool(d.revoked()).EndObject();
    }
    w.EndArray();
  }
  w.Key("voter_meetings");
  ElectionJson(t.election, w);
}

void ElectionText(const ElectionTally& e, std::ostream& out) {
  if (e.meetings == 0) return;
  out << "  voter meetings: " << e.meetings << " held, " << e.invited << " invited, " << e.attended << " attended";
  if (e.provisional) out << " (" << e.provisional << " with figures still in conflict)";
  out << "\n";
  if (e.under_review) {
    out << "    (+" << e.under_review << " meeting" << (e.under_review == 1 ? "" : "s")
        << " under review, left out of every figure here; listed above)\n";
  }
  for (const auto& [name, c] : e.candidates) {
    out << "    " << name << ": " << c.meetings << " meeting" << (c.meetings == 1 ? "" : "s") << ", " << c.attended
        << " attended; agree " << c.agree << " of " << c.voted_attended << " attended where a vote was counted = "
        << Percent(c.ShareAgree()) << "\n";
  }
}

void WardText(const WardTally& t, std::ostream& out, bool with_devices) {
  out << "  records:";
  if (t.forms.empty()) out << " none";
  const char* sep = " ";
  for (const auto& [form, f] : t.forms) {
    out << sep << form << " " << f.live;
    sep = ", ";
    if (f.deleted) out << " (+" << f.deleted << " deleted)";
  }
  out << "\n  open conflicts: " << t.open_conflicts;
  if (t.open_conflicts) out << " in " << t.records_in_conflict << " record" << (t.records_in_conflict == 1 ? "" : "s");
  if (t.rule_conflicts || t.rejected_changes) {
    out << " (" << t.rule_conflicts << " broken rule" << (t.rule_conflicts == 1 ? "" : "s") << ", "
        << t.rejected_changes << " rejected change" << (t.rejected_changes == 1 ? "" : "s") << ")";
  }
  out << "\n";
  if (!t.review.empty()) {
    out << "  under review (not counted in the figures below):\n";
    for (const auto& item : t.review) {
      out << "    " << item.record << "  " << item.form << "  " << item.what;
      if (!item.values.empty()) out << "  [" << item.values << "]";
      out << "\n";
    }
  }
  if (with_devices) {
    out << "  devices: " << t.devices.size() << "\n";
    for (const auto& d : t.devices) {
      out << "    " << d.id() << "  " << d.role();
      if (!d.label().empty()) out << "  \"" << d.label() << "\"";
      out << "  last contact " << (d.last_contact_ms() ? render::TimeMs(d.last_contact_ms()) : "never");
      if (d.revoked()) out << "  REVOKED";
      out << "\n";
    }
  }
  ElectionText(t.election, out);
}

// A sum past 2^64 cannot be a real count: some record holds an absurd one.
// Said on stderr and by the exit code, so a script notices too.
int Overflow(const WardTally& total, std::ostream& err) {
  if (!total.election.Overflowed()) return 0;
  err << "error: some figures add up to more than 18446744073709551615 and are shown as OVERFLOW (null in JSON), "
         "not as a wrapped number: a record holds an absurd count; look at the records of the wards marked OVERFLOW\n";
  return 1;
}

}  // namespace

int CmdReport(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (!args.positional().empty()) {
    err << "error: unexpected argument \"" << args.positional()[0] << "\"\n";
    return 2;
  }
  KvStore& store = env.ctx().store;
  audit::ReportTally tally;
  auto forms = env.ctx().forms.Get();
  std::map<std::string, std::string> names;
  for (const auto& w : forms->wards.wards()) {
    names[w.id()] = w.name();
    tally.wards[w.id()];  // every published ward appears, even with nothing in it
  }
  auto recs = store.Scan(keys::kRecordPrefix);
  for (; recs->Valid(); recs->Next()) {
    wardsync::records::RecordState r;
    if (!r.ParseFromArray(recs->value().data(), static_cast<int>(recs->value().size()))) {
      err << "error: a stored record does not parse (run wardsync-server verify)\n";
      return 1;
    }
    tally.AddRecord(r);
  }
  auto devs = store.Scan(keys::kDevicePrefix);
  for (; devs->Valid(); devs->Next()) {
    wardsync::store::Device d;
    if (!d.ParseFromArray(devs->value().data(), static_cast<int>(devs->value().size()))) {
      err << "error: a stored device does not parse (run wardsync-server verify)\n";
      return 1;
    }
    tally.AddDevice(d);
  }
  if (!recs->status().ok() || !devs->status().ok()) {
    err << "error: " << (!recs->status().ok() ? recs->status() : devs->status()).message() << "\n";
    return 1;
  }
  const WardTally total = tally.Total();
  uint64_t devices = 0;
  for (const auto& [ward, t] : tally.wards) devices += t.devices.size();

  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("wards").BeginArray();
    for (const auto& [ward, t] : tally.wards) {
      w.BeginObject().Key("ward").String(ward).Key("name").String(names.count(ward) ? names[ward] : "");
      WardJson(t, w, true);
      w.EndObject();
    }
    w.EndArray().Key("total").BeginObject().Key("devices").Uint(devices);
    WardJson(total, w, false);
    w.EndObject().EndObject();
    out << w.str() << "\n";
    return Overflow(total, err);
  }
  for (const auto& [ward, t] : tally.wards) {
    out << "ward " << ward;
    if (names.count(ward)) out << " (" << names[ward] << ")";
    if (t.forms.empty() && t.devices.empty()) {
      out << ": no records, no devices\n";
      continue;
    }
    out << "\n";
    WardText(t, out, true);
  }
  out << "city total (" << tally.wards.size() << " wards, " << devices << " devices)\n";
  WardText(total, out, false);
  return Overflow(total, err);
}

}  // namespace wardsync::server

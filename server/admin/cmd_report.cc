// `report`: per ward and for the city, records per form, open conflicts,
// devices and their last contact, the records under review (named, never
// summed), and one section per form of the election pack: voter meetings,
// turnout per checkpoint, readiness of polling areas, incidents by severity,
// open complaints against their deadline (server/audit/report_tally.h).
// Streams the store once; --form and --ward narrow what is read.
#include <cstdio>
#include <ctime>

#include "common/forms/calendar_date.h"
#include "common/render/record_render.h"
#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "server/audit/report_choices.h"
#include "server/audit/report_computed.h"
#include "server/audit/report_tally.h"
#include "server/store/server_keys.h"

namespace wardsync::server {
namespace {

using audit::ReportContext;
using audit::WardTally;

void WardJson(const WardTally& t, const ReportContext& ctx, util::JsonWriter& w, bool with_devices) {
  w.Key("records").BeginObject();
  for (const auto& [form, f] : t.forms) {
    w.Key(form).BeginObject().Key("live").Uint(f.live).Key("deleted").Uint(f.deleted).EndObject();
  }
  w.EndObject();
  w.Key("open_conflicts").Uint(t.open_conflicts).Key("records_in_conflict").Uint(t.records_in_conflict);
  w.Key("rule_conflicts").Uint(t.rule_conflicts).Key("rejected_changes").Uint(t.rejected_changes);
  w.Key("under_review").BeginArray();
  for (const auto& item : t.Doubtful()) {
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
  t.ForEachSection([&](const auto& s) {
    w.Key(s.kJsonKey);
    s.Json(w, ctx);
  });
}

void WardText(const WardTally& t, const ReportContext& ctx, std::ostream& out, bool with_devices) {
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
  const auto doubtful = t.Doubtful();
  if (!doubtful.empty()) {
    out << "  under review (not counted in the figures below):\n";
    for (const auto& item : doubtful) {
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
  t.ForEachSection([&](const auto& s) { s.Text(out, ctx); });
}

// A sum past 2^64 cannot be a real count: some record holds an absurd one.
// Said on stderr and by the exit code, so a script notices too.
int Overflow(const WardTally& total, std::ostream& err) {
  if (!total.Overflowed()) return 0;
  err << "error: some figures add up to more than 18446744073709551615 and are shown as OVERFLOW (null in JSON), "
         "not as a wrapped number: a record holds an absurd count; look at the records of the wards marked OVERFLOW\n";
  return 1;
}

// The server's local date (ages of complaints are counted in local days).
std::string LocalDate(uint64_t now_ms) {
  const std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// --today and --complaint-days; false (with the error said) when bad.
bool ParseContext(AdminEnv& env, const cli::Args& args, ReportContext* ctx, std::ostream& err) {
  ctx->today = args.Get("today").value_or(LocalDate(env.ctx().clock.NowMs()));
  if (!forms_util::IsCalendarDate(ctx->today)) {
    err << "error: --today must be a date YYYY-MM-DD, got \"" << ctx->today << "\"\n";
    return false;
  }
  if (auto days = args.Get("complaint-days")) {
    const bool digits = !days->empty() && days->size() <= 4 && days->find_first_not_of("0123456789") == std::string::npos;
    if (!digits) {
      err << "error: --complaint-days must be a whole number of days from 0 to 9999, got \"" << *days << "\"\n";
      return false;
    }
    ctx->complaint_days = static_cast<uint32_t>(std::stoul(*days));
  }
  return true;
}

}  // namespace

int CmdReport(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (!args.positional().empty()) {
    err << "error: unexpected argument \"" << args.positional()[0] << "\"\n";
    return 2;
  }
  ReportContext ctx;
  if (!ParseContext(env, args, &ctx, err)) return 2;
  auto forms = env.ctx().forms.Get();
  audit::AddPublishedChoices(forms->registry, &ctx);
  const auto form = args.Get("form");
  if (form && forms->registry.Latest(*form) == nullptr) {
    err << "error: no published form \"" << *form << "\" (see wardsync-server forms list)\n";
    return 1;
  }
  const auto ward = args.Get("ward");
  KvStore& store = env.ctx().store;
  audit::ReportTally tally;
  std::map<std::string, std::string> names;
  for (const auto& w : forms->wards.wards()) {
    names[w.id()] = w.name();
    if (!ward || w.id() == *ward) tally.wards[w.id()];  // every published ward appears, even with nothing in it
  }
  if (ward && !names.count(*ward)) {
    err << "error: no published ward \"" << *ward << "\" (see wardsync-server wards)\n";
    return 1;
  }
  auto recs = store.Scan(keys::kRecordPrefix);
  for (; recs->Valid(); recs->Next()) {
    wardsync::records::RecordState r;
    if (!r.ParseFromArray(recs->value().data(), static_cast<int>(recs->value().size()))) {
      err << "error: a stored record does not parse (run wardsync-server verify)\n";
      return 1;
    }
    if ((ward && r.ward() != *ward) || (form && r.form_id() != *form)) continue;
    audit::FillComputed(forms->registry, &r);  // e.g. complaint 3's due_date
    tally.AddRecord(r);
  }
  auto devs = store.Scan(keys::kDevicePrefix);
  for (; devs->Valid(); devs->Next()) {
    wardsync::store::Device d;
    if (!d.ParseFromArray(devs->value().data(), static_cast<int>(devs->value().size()))) {
      err << "error: a stored device does not parse (run wardsync-server verify)\n";
      return 1;
    }
    if (!ward || d.ward() == *ward) tally.AddDevice(d);
  }
  if (!recs->status().ok() || !devs->status().ok()) {
    err << "error: " << (!recs->status().ok() ? recs->status() : devs->status()).message() << "\n";
    return 1;
  }
  const WardTally total = tally.Total();
  // Each ward's figures expect that ward's polling areas; the total every ward's.
  auto scoped = [&ctx](std::set<std::string> wards) {
    ReportContext c = ctx;
    c.scope = std::move(wards);
    return c;
  };
  std::set<std::string> all;
  for (const auto& [id, t] : tally.wards) all.insert(id);
  const ReportContext total_ctx = scoped(all);
  uint64_t devices = 0;
  for (const auto& [id, t] : tally.wards) devices += t.devices.size();

  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("today").String(ctx.today).Key("wards").BeginArray();
    for (const auto& [id, t] : tally.wards) {
      w.BeginObject().Key("ward").String(id).Key("name").String(names.count(id) ? names[id] : "");
      WardJson(t, scoped({id}), w, true);
      w.EndObject();
    }
    w.EndArray().Key("total").BeginObject().Key("devices").Uint(devices);
    WardJson(total, total_ctx, w, false);
    w.EndObject().EndObject();
    out << w.str() << "\n";
    return Overflow(total, err);
  }
  for (const auto& [id, t] : tally.wards) {
    out << "ward " << id;
    if (names.count(id)) out << " (" << names[id] << ")";
    if (t.forms.empty() && t.devices.empty()) {
      out << ": no records, no devices\n";
      continue;
    }
    out << "\n";
    WardText(t, scoped({id}), out, true);
  }
  out << (ward ? "total" : "city total") << " (" << tally.wards.size() << " ward" << (tally.wards.size() == 1 ? "" : "s")
      << ", " << devices << " devices" << (form ? ", form " + *form + " only" : "") << ")\n";
  WardText(total, total_ctx, out, false);
  return Overflow(total, err);
}

}  // namespace wardsync::server

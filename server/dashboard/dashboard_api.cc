#include "server/dashboard/dashboard_api.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cmath>

#include "common/util/json_writer.h"
#include "common/web/request_json.h"
#include "common/util/log.h"
#include "server/dashboard/json_scope.h"
#include "server/dashboard/qr_svg.h"

namespace wardsync::server::dashboard {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

ApiReply FromResult(Result<std::string> r) {
  if (!r.ok()) return JsonError(500, r.status().message());
  return {200, std::move(r).value()};
}

// A string member of a request ("" when absent); a present non-string is an error.
Result<std::string> Text(const Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  if (it == s.fields().end() || it->second.kind_case() == Value::kNullValue) return std::string();
  if (it->second.kind_case() == Value::kStringValue) return it->second.string_value();
  if (it->second.kind_case() == Value::kNumberValue && std::isfinite(it->second.number_value())) {
    const double d = it->second.number_value();
    if (d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<int64_t>(d));
  }
  return Status::Invalid("\"" + key + "\" must be text");
}

std::string Get(const DashboardApi::Params& q, const std::string& key) {
  auto it = q.find(key);
  return it == q.end() ? "" : it->second;
}

ApiReply Forbidden(const std::string& what) { return JsonError(403, what); }

}  // namespace

ApiReply JsonError(int status, const std::string& message) {
  util::JsonWriter w;
  w.BeginObject().Key("error").String(message).EndObject();
  return {status, w.str()};
}

ApiReply DashboardApi::Pass(const CommandResult& r) {
  if (r.code != 0) return JsonError(r.code == 2 ? 400 : 409, web::CommandErrorText(r.err));
  return {200, r.out};
}

ApiReply DashboardApi::PerWard(const Caller& c, std::vector<std::string> args, const std::string& ward) {
  if (!ward.empty()) {
    if (!c.scope.Sees(ward)) return Forbidden("this account does not see ward " + ward);
    args.insert(args.end(), {"--ward", ward});
    return Pass(Run(c, args));
  }
  if (c.scope.all) return Pass(Run(c, args));
  std::vector<std::string> outs;
  for (const auto& w : c.scope.wards) {
    auto with = args;
    with.insert(with.end(), {"--ward", w});
    CommandResult r = Run(c, with);
    if (r.code != 0) return Pass(r);
    outs.push_back(r.out);
  }
  return FromResult(JoinArrays(outs));
}

ApiReply DashboardApi::Session(const Caller& c, const std::string& csrf) {
  util::JsonWriter w;
  w.BeginObject().Key("user").String(c.user.name()).Key("role").String(c.user.role()).Key("wards").BeginArray();
  for (const auto& ward : c.user.wards()) w.String(ward);
  w.EndArray().Key("csrf").String(csrf).Key("address").String(c.address).EndObject();
  return {200, w.str()};
}

ApiReply DashboardApi::Overview(const Caller& c) {
  CommandResult report = Run(c, {"report", "--json"});
  if (report.code != 0) return Pass(report);
  CommandResult devices = Run(c, {"devices", "--json"});
  if (devices.code != 0) return Pass(devices);
  auto r = KeepWards(report.out, c.scope, "ward", "wards");
  auto d = KeepWards(devices.out, c.scope, "ward");
  if (!r.ok() || !d.ok()) return JsonError(500, (!r.ok() ? r.status() : d.status()).message());
  util::JsonWriter w;
  w.BeginObject().Key("report").Raw(*r).Key("devices").Raw(*d).EndObject();
  return {200, w.str()};
}

ApiReply DashboardApi::Forms(const Caller& c) { return Pass(Run(c, {"forms", "list", "--json"})); }

ApiReply DashboardApi::Wards(const Caller& c) { return Pass(Run(c, {"wards", "--json"})); }

ApiReply DashboardApi::Records(const Caller& c, const Params& q) {
  std::vector<std::string> args = {"records", "--json"};
  if (auto f = Get(q, "form"); !f.empty()) args.insert(args.end(), {"--form", f});
  return PerWard(c, args, Get(q, "ward"));
}

ApiReply DashboardApi::History(const Caller& c, const std::string& record) {
  CommandResult r = Run(c, {"history", record, "--json"});
  if (r.code != 0) return JsonError(r.code == 2 ? 400 : 404, web::CommandErrorText(r.err));
  auto ward = StringMember(r.out, "ward");
  if (!ward.ok()) return JsonError(500, ward.status().message());
  // The same answer as for a record that does not exist: a limited account
  // learns nothing about other wards' records.
  if (!c.scope.Sees(*ward)) return JsonError(404, "no record " + record + " in your wards");
  return {200, r.out};
}

ApiReply DashboardApi::Review(const Caller& c, const std::string& record, const std::string& body) {
  if (!accounts::MayReview(c.role)) return Forbidden("a viewer cannot review records");
  auto req = web::ParseJsonObject(body);
  if (!req.ok()) return JsonError(400, req.status().message());
  auto state = Text(*req, "state");
  auto comment = Text(*req, "comment");
  if (!state.ok() || !comment.ok()) return JsonError(400, (!state.ok() ? state.status() : comment.status()).message());
  if (state->empty()) return JsonError(400, "choose a state: approved, needs-correction or received");
  // Only records of the account's wards; another ward's looks like none.
  ApiReply seen = History(c, record);
  if (seen.status != 200) return seen;
  CommandResult r = Run(c, {"review", record, "--state", *state, "--comment", *comment, "--officer", c.Actor(), "--json"});
  if (r.code == 0) util::LogLine("dashboard: " + c.Actor() + " reviewed record " + record + ": " + *state);
  return Pass(r);
}

ApiReply DashboardApi::Conflicts(const Caller& c, const Params& q) {
  return PerWard(c, {"conflicts", "--json"}, Get(q, "ward"));
}

ApiReply DashboardApi::Resolve(const Caller& c, const std::string& conflict, const std::string& body) {
  if (!accounts::MayResolve(c.role)) return Forbidden("a viewer cannot resolve conflicts");
  auto req = web::ParseJsonObject(body);
  if (!req.ok()) return JsonError(400, req.status().message());
  auto reason = Text(*req, "reason");
  auto pick = Text(*req, "pick");
  auto value = Text(*req, "value");
  // A duplicate's two decisions, as `resolve --dismiss` (keep both) and
  // `resolve --delete` (delete this record) take them.
  auto dismiss = req->fields().count("dismiss") && req->fields().at("dismiss").bool_value();
  auto remove = req->fields().count("delete") && req->fields().at("delete").bool_value();
  if (!reason.ok() || !pick.ok() || !value.ok()) {
    return JsonError(400, (!reason.ok() ? reason.status() : !pick.ok() ? pick.status() : value.status()).message());
  }
  if (reason->empty()) return JsonError(400, "a reason is required (it is kept in the record's history)");
  // Only conflicts of the account's wards, and an unknown id looks the same.
  ApiReply open = PerWard(c, {"conflicts", "--json"}, "");
  if (open.status != 200) return open;
  auto has = ArrayHas(open.body, "id", conflict);
  if (!has.ok()) return JsonError(500, has.status().message());
  if (!*has) return JsonError(404, "no open conflict " + conflict + " in your wards");
  std::vector<std::string> args = {"resolve", conflict, "--reason", *reason, "--officer", c.Actor(), "--json"};
  if (!pick->empty()) args.insert(args.end(), {"--pick", *pick});
  if (req->fields().count("value")) args.insert(args.end(), {"--value", *value});
  if (dismiss) args.push_back("--dismiss");
  if (remove) args.push_back("--delete");
  auto sets = req->fields().find("set");
  if (sets != req->fields().end() && sets->second.kind_case() == Value::kStructValue) {
    for (const auto& [name, v] : sets->second.struct_value().fields()) {
      if (v.kind_case() != Value::kStringValue) return JsonError(400, "\"set\" values must be text");
      args.insert(args.end(), {"--set", name + "=" + v.string_value()});
    }
  }
  CommandResult r = Run(c, args);
  if (r.code == 0) util::LogLine("dashboard: " + c.Actor() + " resolved conflict " + conflict + ": " + *reason);
  return Pass(r);
}

ApiReply DashboardApi::Report(const Caller& c) {
  CommandResult r = Run(c, {"report", "--json"});
  if (r.code != 0) return Pass(r);
  return FromResult(KeepWards(r.out, c.scope, "ward", "wards"));
}

ApiReply DashboardApi::Export(const Caller& c, const Params& q) {
  const std::string form = Get(q, "form");
  std::string format = Get(q, "format");
  if (format.empty()) format = "csv";
  if (format != "csv" && format != "json") return JsonError(400, "format must be csv or json");
  std::string ward = Get(q, "ward");
  if (!ward.empty() && !c.scope.Sees(ward)) return Forbidden("this account does not see ward " + ward);
  if (ward.empty() && !c.scope.all) {
    if (c.scope.wards.size() != 1) return JsonError(400, "choose one of your wards to export");
    ward = *c.scope.wards.begin();
  }
  std::vector<std::string> args = {"export", "--form", form, "--format", format};
  if (format == "csv") args.push_back("--bom");  // Excel reads UTF-8 Vietnamese only with it
  if (!ward.empty()) args.insert(args.end(), {"--ward", ward});
  CommandResult r = Run(c, args);
  if (r.code != 0) return Pass(r);
  ApiReply reply{200, r.out, format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8"};
  reply.filename = form + (ward.empty() ? "" : "-" + ward) + "." + format;
  return reply;
}

ApiReply DashboardApi::Devices(const Caller& c) {
  CommandResult r = Run(c, {"devices", "--json"});
  if (r.code != 0) return Pass(r);
  return FromResult(KeepWards(r.out, c.scope, "ward"));
}

ApiReply DashboardApi::Enroll(const Caller& c, const std::string& body) {
  if (!accounts::MayManageDevices(c.role)) return Forbidden("only an admin account enrolls devices");
  auto req = web::ParseJsonObject(body);
  if (!req.ok()) return JsonError(400, req.status().message());
  auto ward = Text(*req, "ward");
  auto role = Text(*req, "role");
  auto ttl = Text(*req, "ttl_hours");
  if (!ward.ok() || !role.ok() || !ttl.ok()) {
    return JsonError(400, (!ward.ok() ? ward.status() : !role.ok() ? role.status() : ttl.status()).message());
  }
  if (ward->empty()) return JsonError(400, "choose the ward of the device");
  if (!c.scope.Sees(*ward)) return Forbidden("this account does not see ward " + *ward);
  std::vector<std::string> args = {"enroll", "--ward", *ward, "--role", role->empty() ? "officer" : *role, "--json"};
  if (!ttl->empty()) args.insert(args.end(), {"--ttl-hours", *ttl});
  CommandResult r = Run(c, args);
  if (r.code != 0) return Pass(r);
  auto code = StringMember(r.out, "code");
  if (!code.ok()) return JsonError(500, code.status().message());
  auto svg = QrSvg(*code);
  if (!svg.ok()) return JsonError(500, svg.status().message());
  util::LogLine("dashboard: " + c.Actor() + " made an enrollment code for ward " + *ward);
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  util::JsonWriter w;
  w.BeginObject().Key("enrollment").Raw(out).Key("qr_svg").String(*svg).EndObject();
  return {200, w.str()};
}

ApiReply DashboardApi::Revoke(const Caller& c, const std::string& device, const std::string& body) {
  if (!accounts::MayManageDevices(c.role)) return Forbidden("only an admin account revokes devices");
  auto req = web::ParseJsonObject(body);
  if (!req.ok()) return JsonError(400, req.status().message());
  auto reason = Text(*req, "reason");
  if (!reason.ok()) return JsonError(400, reason.status().message());
  if (reason->empty()) return JsonError(400, "a reason is required (it is kept and shown with the device)");
  ApiReply devices = Devices(c);
  if (devices.status != 200) return devices;
  auto has = ArrayHas(devices.body, "id", device);
  if (!has.ok()) return JsonError(500, has.status().message());
  if (!*has) return JsonError(404, "no device " + device + " in your wards");
  // Who and from where go into the kept reason: `devices` shows it.
  CommandResult r = Run(c, {"revoke", device, "--reason", *reason + " [" + c.Actor() + "]", "--json"});
  if (r.code == 0) util::LogLine("dashboard: " + c.Actor() + " revoked device " + device + ": " + *reason);
  return Pass(r);
}

ApiReply DashboardApi::Codes(const Caller& c) {
  if (!accounts::MayManageDevices(c.role)) return Forbidden("only an admin account sees enrollment codes");
  CommandResult r = Run(c, {"codes", "list", "--json"});
  if (r.code != 0) return Pass(r);
  return FromResult(KeepWards(r.out, c.scope, "ward"));
}

ApiReply DashboardApi::CancelCode(const Caller& c, const std::string& id) {
  if (!accounts::MayManageDevices(c.role)) return Forbidden("only an admin account cancels enrollment codes");
  ApiReply codes = Codes(c);
  if (codes.status != 200) return codes;
  auto has = ArrayHas(codes.body, "id", id);
  if (!has.ok()) return JsonError(500, has.status().message());
  if (!*has) return JsonError(404, "no unused enrollment code " + id + " in your wards");
  CommandResult r = Run(c, {"codes", "cancel", id, "--json"});
  if (r.code == 0) util::LogLine("dashboard: " + c.Actor() + " cancelled enrollment code " + id);
  return Pass(r);
}

}  // namespace wardsync::server::dashboard

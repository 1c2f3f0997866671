#include "client/ui/ui_api.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <sstream>

#include "client/attach/attachment_status.h"
#include "client/cli/command.h"
#include "client/store/configured_servers.h"
#include "client/ui/attachment_intake.h"
#include "client/ui/changed_since.h"
#include "client/ui/field_check.h"
#include "client/ui/form_eval.h"
#include "common/changes/changeset.h"
#include "common/forms/offered_form.h"
#include "common/render/record_render.h"
#include "common/util/json_writer.h"
#include "common/web/request_json.h"

namespace wardsync::client::ui {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

// One typed value as the text ParseValue reads (what `--set NAME=VALUE` takes).
Result<std::string> ValueText(const std::string& name, const Value& v) {
  switch (v.kind_case()) {
    case Value::kNullValue: return std::string();
    case Value::kStringValue: return v.string_value();
    case Value::kBoolValue: return std::string(v.bool_value() ? "true" : "false");
    case Value::kNumberValue: {
      double d = v.number_value();
      if (!std::isfinite(d)) return Status::Invalid("field \"" + name + "\": not a finite number");
      if (d == std::floor(d) && std::fabs(d) < 9e15) return std::to_string(static_cast<int64_t>(d));
      char buf[64];
      auto end = std::to_chars(buf, buf + sizeof buf, d).ptr;  // shortest text that reads back exactly
      return std::string(buf, end);
    }
    case Value::kListValue: {
      std::string out;
      for (const auto& item : v.list_value().values()) {
        if (item.kind_case() != Value::kStringValue) {
          return Status::Invalid("field \"" + name + "\": a list may only hold choice values (strings)");
        }
        if (item.string_value().find(',') != std::string::npos) {
          return Status::Invalid("field \"" + name + "\": a choice value cannot contain a comma");
        }
        out += (out.empty() ? "" : ",") + item.string_value();
      }
      return out;
    }
    default: return Status::Invalid("field \"" + name + "\": expected text, a number, true/false, a list or null");
  }
}

ApiReply Problems(const std::vector<FieldProblem>& problems) {
  util::JsonWriter w;
  w.BeginObject().Key("error").String("the form was not saved: correct the fields marked").Key("problems");
  WriteProblems(problems, w);
  w.EndObject();
  return {422, w.str()};
}

// The page's "values" object, or why there is none.
Result<Struct> ValuesObject(const Struct& request) {
  auto it = request.fields().find("values");
  if (it == request.fields().end() || it->second.kind_case() != Value::kStructValue) {
    return Status::Invalid("\"values\" must be an object of field name to value");
  }
  return it->second.struct_value();
}

// `wardsync new/edit` arguments with one --set per text: what --from-json
// does with the same texts (Capture::NewFromJson/EditFromJson call New/Edit
// with JsonToFieldTexts' output), so a GROUP's rows save the same way.
void AddSets(const forms_util::NamedTexts& texts, std::vector<std::string>& args) {
  for (const auto& [path, text] : texts) {
    args.push_back("--set");
    args.push_back(path + "=" + text);
  }
}

// The form's latest definition on this device, or a 404 naming it.
Result<wardsync::forms::FormDef> LatestForm(ClientEnv& env, const std::string& form_id) {
  auto forms = env.store().Forms();
  if (!forms.ok()) return forms.status();
  const auto* f = forms->Latest(form_id);
  if (f == nullptr) return Status::NotFound("unknown form \"" + form_id + "\"");
  return *f;
}

// `object` (a JSON object's text, as a command prints it) with `"key": raw`
// added at its end.
std::string WithKey(std::string object, const std::string& key, const std::string& raw) {
  while (!object.empty() && (object.back() == '\n' || object.back() == ' ')) object.pop_back();
  if (object.empty() || object.back() != '}') return object;
  object.pop_back();
  util::JsonWriter k;
  k.String(key);
  return object + (object.size() > 1 ? "," : "") + k.str() + ":" + raw + "}";
}

ApiReply FromStatus(const Status& s) {
  return JsonError(s.code() == Status::Code::kNotFound ? 404 : s.code() == Status::Code::kInvalidArgument ? 400 : 500,
                   s.message());
}

}  // namespace

ApiReply JsonError(int status, const std::string& message) {
  util::JsonWriter w;
  w.BeginObject().Key("error").String(message).EndObject();
  return {status, w.str()};
}

UiApi::Ran UiApi::Run(const std::vector<std::string>& args, bool serialize) {
  std::unique_lock lock(mu_, std::defer_lock);
  if (serialize) lock.lock();
  std::ostringstream out, err;
  int code = RunClientCommand(env_, args, out, err);
  return {code, out.str(), err.str()};
}

ApiReply UiApi::Pass(const std::vector<std::string>& args) {
  Ran r = Run(args);
  if (r.code != 0) return JsonError(r.code == 2 ? 400 : 409, web::CommandErrorText(r.err));
  return {200, r.out};
}

ApiReply UiApi::Session(const std::string& csrf) {
  Ran r = Run({"status", "--json"});
  if (r.code != 0) return JsonError(500, web::CommandErrorText(r.err));
  // The wards' names from the published ward list (the page shows a ward's
  // id when the list does not name it, e.g. before the first sync).
  auto wards = env_.store().Wards();
  util::JsonWriter w;
  w.BeginObject().Key("csrf").String(csrf).Key("wards").BeginObject();
  if (wards.ok()) {
    for (const auto& ward : wards->wards()) w.Key(ward.id()).String(ward.name());
  }
  w.EndObject().Key("status").Raw(r.out).EndObject();
  return {200, w.str()};
}

ApiReply UiApi::Status() {
  ApiReply r = Pass({"status", "--json"});
  if (r.status != 200) return r;
  // Live reachability: a TCP probe now (cached a few seconds), next to what
  // the last sync attempt said (status: last_attempt_ms, last_error).
  auto cfg = env_.store().Config();
  if (!cfg.ok()) return r;
  auto preferred = env_.store().PreferredServer();
  const Reach reach = reach_.Check(ServersToTry(*cfg, preferred.ok() ? *preferred : std::string()).front());
  util::JsonWriter w;
  w.BeginObject().Key("known").Bool(reach.known).Key("reachable").Bool(reach.reachable);
  w.Key("checked").String(reach.checked_ms ? render::TimeMs(reach.checked_ms) : "").EndObject();
  r.json = WithKey(r.json, "probe", w.str());
  return r;
}

ApiReply UiApi::Forms() {
  // The full definitions (labels, help texts, choice labels, rules): the
  // page builds each form from them. Latest version of each form, as `new` uses.
  // A choice-list field offers the entries of the officer's ward (and those
  // of no ward) of the list's newest version (offered_form.h).
  auto forms = env_.store().Forms();
  if (!forms.ok()) return JsonError(500, forms.status().message());
  auto config = env_.store().Config();
  if (!config.ok()) return JsonError(500, config.status().message());
  const std::string ward = config->role() == "officer" ? config->ward() : "";
  google::protobuf::util::JsonPrintOptions opt;
  opt.preserve_proto_field_names = true;
  std::string out = "[";
  for (const auto* f : forms->All()) {
    if (forms->Latest(f->id()) != f) continue;
    std::string j;
    const auto offered = forms_util::OfferedForm(*forms, *f, ward);
    if (!google::protobuf::util::MessageToJsonString(offered, &j, opt).ok() || j.size() < 2 || j.back() != '}') {
      return JsonError(500, "cannot encode form " + f->id());
    }
    // Beside the definition: the groups of the lists' entries, for the
    // page's <optgroup>s ({"choice_groups": {LIST: {VALUE: GROUP}}}).
    util::JsonWriter groups;
    groups.BeginObject();
    for (const auto& [list, by_value] : forms_util::OfferedGroups(*forms, *f)) {
      groups.Key(list).BeginObject();
      for (const auto& [value, group] : by_value) groups.Key(value).String(group);
      groups.EndObject();
    }
    groups.EndObject();
    j.pop_back();
    j += std::string(j.size() > 1 ? "," : "") + "\"choice_groups\":" + groups.str() + "}";
    out += (out.size() > 1 ? "," : "") + j;
  }
  return {200, out + "]"};
}

ApiReply UiApi::Records(const std::string& form_id) {
  if (form_id.empty()) return Pass({"list", "--json"});
  if (auto f = LatestForm(env_, form_id); !f.ok()) return FromStatus(f.status());
  return Pass({"list", "--form", form_id, "--json"});
}

ApiReply UiApi::Record(const std::string& id) {
  Ran r = Run({"show", id, "--json"});
  if (r.code != 0) return JsonError(r.code == 2 ? 400 : 404, web::CommandErrorText(r.err));
  // What other devices changed since this device made the record.
  std::string raw;
  auto cfg = env_.store().Config();
  if (!changes_util::ParseRecordId(id, &raw) || !cfg.ok()) return {200, r.out};
  // Whether the server holds it yet (a pulled view exists): until then the
  // committee has not received it, whatever its review state says.
  auto held = env_.store().ServerRecord(raw);
  const std::string out = WithKey(r.out, "on_server", held.ok() && held->has_value() ? "true" : "false");
  auto rec = env_.store().LocalRecord(raw);
  if (!rec.ok() || !rec->has_value()) return {200, out};
  util::JsonWriter w;
  ChangedSinceJson(**rec, cfg->device_id(), w);
  return {200, WithKey(WithKey(out, "changed_since", w.str()), "attachments", AttachmentsJson(**rec))};
}

// Where the bytes of each attachment value of `record` are ("attachments":
// {PATH: {held, on_server, sent_bytes, last_error}}, attachment_status.h).
std::string UiApi::AttachmentsJson(const records::RecordState& record) {
  util::JsonWriter w;
  w.BeginObject();
  for (const auto& [path, state] : record.fields()) {
    if (state.value().kind_case() != changes::Value::kAttachment) continue;
    auto t = attach::TransferOf(env_.store(), env_.paths().attachments(), state.value().attachment());
    if (!t.ok()) continue;  // the page then says nothing of its transfer
    w.Key(path);
    attach::TransferJson(*t, w);
  }
  w.EndObject();
  return w.str();
}

ApiReply UiApi::Create(const std::string& body) {
  auto req = web::ParseJsonObject(body);
  if (!req.ok()) return JsonError(400, req.status().message());
  auto f = req->fields().find("form");
  if (f == req->fields().end() || f->second.kind_case() != Value::kStringValue) {
    return JsonError(400, "\"form\" must name a form (a string)");
  }
  auto form = LatestForm(env_, f->second.string_value());
  if (!form.ok()) return FromStatus(form.status());
  auto values = ValuesObject(*req);
  if (!values.ok()) return JsonError(400, values.status().message());
  auto texts = ValueTexts(*form, *values, nullptr);  // unknown fields, bad shapes: 400
  if (!texts.ok()) return JsonError(400, texts.status().message());
  if (auto checked = CheckFields(*form, {}, *texts); !checked.problems.empty()) return Problems(checked.problems);
  if (auto unheld = UnheldAttachments(*form, *texts, env_.paths().attachments()); !unheld.empty()) return Problems(unheld);
  std::vector<std::string> args = {"new", "--form", form->id(), "--json"};
  AddSets(*texts, args);
  Ran r = Run(args);
  if (r.code != 0) return JsonError(422, web::CommandErrorText(r.err));
  return {201, r.out};
}

ApiReply UiApi::Update(const std::string& id, const std::string& body) {
  auto req = web::ParseJsonObject(body);
  if (!req.ok()) return JsonError(400, req.status().message());
  auto values = ValuesObject(*req);
  if (!values.ok()) return JsonError(400, values.status().message());
  std::string raw;
  if (!changes_util::ParseRecordId(id, &raw)) return JsonError(400, "\"" + id + "\" is not a record id");
  auto rec = env_.store().LocalRecord(raw);
  if (!rec.ok()) return JsonError(500, rec.status().message());
  if (!rec->has_value() || (*rec)->deleted()) return JsonError(404, "no record " + id + " on this device");
  const auto& record = **rec;
  auto form = LatestForm(env_, record.form_id());
  if (!form.ok()) return FromStatus(form.status());
  // The page sends the whole record: check it whole (fields it leaves out,
  // e.g. hidden ones, keep their value), then write only what differs.
  auto whole = ValueTexts(*form, *values, nullptr);
  if (!whole.ok()) return JsonError(400, whole.status().message());
  auto checked = CheckFields(*form, KeptFields(record.fields(), *values), *whole);
  if (!checked.problems.empty()) return Problems(checked.problems);
  auto changed = ValueTexts(*form, *values, &record.fields());
  if (!changed.ok()) return JsonError(400, changed.status().message());
  if (auto unheld = UnheldAttachments(*form, *changed, env_.paths().attachments()); !unheld.empty()) return Problems(unheld);
  if (changed->empty()) {
    util::JsonWriter w;
    w.BeginObject().Key("id").String(id).Key("saved").Bool(false).Key("unchanged").Bool(true).EndObject();
    return {200, w.str()};
  }
  std::vector<std::string> args = {"edit", id, "--json"};
  AddSets(*changed, args);
  Ran r = Run(args);
  if (r.code != 0) return JsonError(422, web::CommandErrorText(r.err));
  return {200, r.out};
}

ApiReply UiApi::Delete(const std::string& id) {
  Ran r = Run({"delete", id, "--json"});
  if (r.code != 0) return JsonError(r.code == 2 ? 400 : 409, web::CommandErrorText(r.err));
  return {200, r.out};
}

ApiReply UiApi::SyncNow() {
  Ran r = Run({"sync", "--json", "--quiet"}, /*serialize=*/false);
  util::JsonWriter w;
  w.BeginObject().Key("ok").Bool(r.code == 0);
  if (r.code != 0) w.Key("error").String(web::CommandErrorText(r.err));
  if (!r.out.empty()) w.Key("report").Raw(r.out);
  w.EndObject();
  return {200, w.str()};
}

ApiReply UiApi::Conflicts() { return Pass({"conflicts", "--json"}); }

ApiReply UiApi::Resolve(const std::string& body) {
  auto req = web::ParseJsonObject(body);
  if (!req.ok()) return JsonError(400, req.status().message());
  const auto& f = req->fields();
  auto text = [&](const char* key) -> std::optional<std::string> {
    auto it = f.find(key);
    if (it == f.end() || it->second.kind_case() == Value::kNullValue) return std::nullopt;
    auto t = ValueText(key, it->second);
    return t.ok() ? std::optional<std::string>(*t) : std::nullopt;
  };
  auto conflict = text("conflict");
  if (!conflict || conflict->empty()) return JsonError(400, "\"conflict\" must name a conflict (as the review queue lists it)");
  // The same command as `wardsync resolve`: it checks the choice, the reason and the role.
  std::vector<std::string> args = {"resolve", *conflict, "--json"};
  if (auto pick = text("pick")) args.insert(args.end(), {"--pick", *pick});
  if (auto value = text("value")) args.insert(args.end(), {"--value", *value});
  if (auto it = f.find("set"); it != f.end()) {
    if (it->second.kind_case() != Value::kStructValue) return JsonError(400, "\"set\" must be an object of field name to value");
    for (const auto& [name, v] : it->second.struct_value().fields()) {
      auto t = ValueText(name, v);
      if (!t.ok()) return JsonError(400, t.status().message());
      args.insert(args.end(), {"--set", name + "=" + *t});
    }
  }
  if (auto it = f.find("dismiss"); it != f.end() && it->second.bool_value()) args.push_back("--dismiss");
  if (auto reason = text("reason")) args.insert(args.end(), {"--reason", *reason});
  Ran r = Run(args);
  if (r.code != 0) return JsonError(r.code == 2 ? 400 : 409, web::CommandErrorText(r.err));
  return {200, r.out};
}

ApiReply UiApi::Evaluate(const std::string& form_id, const std::string& body) {
  auto form = LatestForm(env_, form_id);
  if (!form.ok()) return FromStatus(form.status());
  auto req = web::ParseJsonObject(body);
  if (!req.ok()) return JsonError(400, req.status().message());
  auto it = req->fields().find("values");
  if (it == req->fields().end() || it->second.kind_case() != Value::kStructValue) {
    return JsonError(400, "\"values\" must be an object of field name to value");
  }
  auto out = EvaluateForm(*form, it->second.struct_value());
  if (!out.ok()) return JsonError(400, out.status().message());
  return {200, *out};
}

}  // namespace wardsync::client::ui

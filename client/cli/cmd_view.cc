// forms / show / list: read-only views of what this device holds.
#include "client/cli/command.h"
#include "client/cli/rejected_view.h"
#include "common/changes/changeset.h"
#include "common/forms/offered_form.h"
#include "common/render/record_render.h"
#include "common/util/json_writer.h"

namespace wardsync::client {
namespace {

const char* TypeName(wardsync::forms::FieldDef::Type t) {
  switch (t) {
    case wardsync::forms::FieldDef::INTEGER: return "integer";
    case wardsync::forms::FieldDef::DECIMAL: return "decimal";
    case wardsync::forms::FieldDef::TEXT: return "text";
    case wardsync::forms::FieldDef::BOOLEAN: return "boolean";
    case wardsync::forms::FieldDef::DATE: return "date";
    case wardsync::forms::FieldDef::TIME: return "time";
    case wardsync::forms::FieldDef::GROUP: return "group";
    case wardsync::forms::FieldDef::SINGLE_CHOICE: return "choice";
    case wardsync::forms::FieldDef::MULTIPLE_CHOICE: return "choices";
    default: return "?";
  }
}

// A published list's entries, one a line: what to type and what it means.
void ListEntries(const wardsync::forms::FieldDef& fd, const forms_util::ChoiceGroups& groups, const char* indent,
                 std::ostream& out) {
  const auto list = groups.find(fd.choice_list());
  for (const auto& c : fd.choices()) {
    out << indent << c.value() << "  " << c.label();
    if (list != groups.end()) {
      if (auto g = list->second.find(c.value()); g != list->second.end()) out << "  [" << g->second << "]";
    }
    out << "\n";
  }
}

}  // namespace

int CmdForms(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  auto forms = env.store().Forms();
  if (!forms.ok()) {
    err << "error: " << forms.status().message() << "\n";
    return 1;
  }
  // Choice-list fields show what this device's officer is offered (every
  // entry on a reviewer's device, or before enrollment).
  auto config = env.store().Config();
  const std::string ward = config.ok() && config->role() == "officer" ? config->ward() : "";
  const bool json = args.Flag("json");
  util::JsonWriter w;
  if (json) w.BeginArray();
  for (const auto* latest : forms->All()) {
    if (forms->Latest(latest->id()) != latest) continue;  // show the version new records use
    const auto offered = forms_util::OfferedForm(*forms, *latest, ward);
    const auto* f = &offered;
    if (json) {
      w.BeginObject().Key("id").String(f->id()).Key("version").Uint(f->version()).Key("title").String(f->title());
      w.Key("fields").BeginArray();
      for (const auto& fd : f->fields()) {
        w.BeginObject().Key("name").String(fd.name()).Key("type").String(TypeName(fd.type()));
        w.Key("label").String(fd.label()).Key("required").Bool(fd.required());
        if (fd.has_min()) w.Key("min").Raw(std::to_string(fd.min()));
        if (fd.has_max()) w.Key("max").Raw(std::to_string(fd.max()));
        if (!fd.choice_list().empty()) w.Key("choice_list").String(fd.choice_list());
        if (fd.choices_size()) {
          w.Key("choices").BeginArray();
          for (const auto& c : fd.choices()) w.String(c.value());
          w.EndArray();
        }
        w.EndObject();
      }
      w.EndArray();
      w.Key("rules").BeginArray();
      for (const auto& r : f->rules()) w.String(r.expr());
      w.EndArray().EndObject();
      continue;
    }
    const auto groups = forms_util::OfferedGroups(*forms, *latest);
    out << f->id() << " (version " << f->version() << "): " << f->title() << "\n";
    for (const auto& fd : f->fields()) {
      out << "  " << fd.name() << "  " << TypeName(fd.type()) << (fd.required() ? ", required" : "");
      if (fd.has_min()) out << ", min " << fd.min();
      if (fd.has_max()) out << ", max " << fd.max();
      if (!fd.choice_list().empty()) {
        out << ", from the list " << fd.choice_list() << (fd.choices_size() ? "" : " (not published here yet)");
      } else if (fd.choices_size()) {
        out << ", one of:";
        for (const auto& c : fd.choices()) out << " " << c.value();
      }
      if (!fd.relevant().empty()) out << ", when " << fd.relevant();
      if (!fd.compute().empty()) out << ", computed = " << fd.compute();
      out << "  — " << fd.label() << "\n";
      // A group's columns; a row is NAME[ROW]=POSITION, NAME[ROW].FIELD=VALUE.
      for (const auto& sub : fd.fields()) {
        out << "    " << fd.name() << "[ROW]." << sub.name() << "  " << TypeName(sub.type())
            << (sub.required() ? ", required" : "")
            << (sub.choice_list().empty() ? "" : ", from the list " + sub.choice_list()) << "  — " << sub.label() << "\n";
        if (!sub.choice_list().empty()) ListEntries(sub, groups, "      ", out);
      }
      if (!fd.choice_list().empty()) ListEntries(fd, groups, "    ", out);
    }
    for (const auto& r : f->rules()) out << "  rule: " << r.expr() << "\n";
  }
  if (json) {
    w.EndArray();
    out << w.str() << "\n";
  } else if (forms->All().empty()) {
    err << "no forms yet: run `wardsync sync` with the server reachable\n";
  }
  return 0;
}

int CmdShow(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional().size() != 1) {
    err << "error: name exactly one RECORD\n";
    return 2;
  }
  const std::string& text = args.positional()[0];
  std::string raw;
  if (!changes_util::ParseRecordId(text, &raw)) {
    err << "error: \"" << text << "\" is not a record id (32 hex digits)\n";
    return 2;
  }
  auto rec = env.store().LocalRecord(raw);
  if (!rec.ok()) {
    err << "error: " << rec.status().message() << "\n";
    return 1;
  }
  if (!*rec) {
    err << "error: no record " << text << " on this device\n";
    return 1;
  }
  const auto& record = **rec;
  const auto rejected = OpenRejected(record);
  if (args.Flag("json")) {
    util::JsonWriter w;
    render::RecordJson(record, w);
    std::string text = w.str();
    // The record's JSON, plus its open rejected changes in a form of their own.
    if (!text.empty() && text.back() == '}') {
      util::JsonWriter r;
      r.BeginArray();
      for (const auto* c : rejected) RejectedJson(record, *c, r);
      r.EndArray();
      text.pop_back();
      text += ",\"rejected\":" + r.str() + "}";
    }
    out << text << "\n";
  } else {
    if (record.placeholder()) {
      out << "record " << changes_util::RecordIdText(record.record_id())
          << " does not exist on the server: no change of it was applied\n";
    } else {
      render::RecordDetail(WithoutRejected(record), out);
    }
    for (const auto* c : rejected) RejectedDetail(record, *c, out, "  ");
  }
  return 0;
}

int CmdList(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  const bool json = args.Flag("json");
  const bool conflicts_only = args.Flag("conflicts");
  const bool rejected_only = args.Flag("rejected");
  const bool with_deleted = args.Flag("deleted");
  if (conflicts_only && rejected_only) {
    err << "error: give --conflicts or --rejected, not both\n";
    return 2;
  }
  util::JsonWriter w;
  if (json) w.BeginArray();
  size_t n = 0;
  Status s = env.store().ForEachLocal(args.Get("form"), [&](const wardsync::records::RecordState& r) {
    if (conflicts_only && render::OpenConflicts(r) == 0) return;
    const auto rejected = OpenRejected(r);
    if (rejected_only && rejected.empty()) return;
    // A placeholder holds only rejected changes: not a record to list.
    if (r.placeholder() && !rejected_only && !conflicts_only) return;
    if (r.deleted() && !with_deleted && !conflicts_only && !rejected_only) return;
    ++n;
    if (json && rejected_only) {
      for (const auto* c : rejected) RejectedJson(r, *c, w);
    } else if (json) {
      render::RecordJson(r, w);
    } else if (rejected_only) {
      if (r.placeholder()) {
        out << changes_util::RecordIdText(r.record_id()) << "  " << r.ward() << "  " << r.form_id()
            << "  [never created]\n";
      } else {
        render::RecordLine(WithoutRejected(r), out);
      }
      for (const auto* c : rejected) RejectedDetail(r, *c, out, "    ");
    } else if (conflicts_only) {
      render::RecordLine(r, out);
      for (const auto& c : r.conflicts()) {
        if (c.open()) render::ConflictDetail(c, out, "    ");
      }
    } else {
      render::RecordLine(r, out);
    }
  });
  if (!s.ok()) {
    err << "error: " << s.message() << "\n";
    return 1;
  }
  if (json) {
    w.EndArray();
    out << w.str() << "\n";
  } else if (n == 0) {
    err << (conflicts_only ? "no open conflicts\n" : rejected_only ? "no rejected changes\n" : "no records\n");
  }
  return 0;
}

}  // namespace wardsync::client

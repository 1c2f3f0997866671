// `history`: every change of one record in log order - who (device, role,
// officer), where (ward), when (HLC time, server receive time), what (op,
// each field before -> after) and the conflict events it caused. Before and
// after come from replaying the record's stored change-sets with
// reconcile::Apply, exactly as ingest applied them.
#include <map>
#include <set>

#include "common/changes/changeset.h"
#include "common/forms/value_text.h"
#include "common/reconcile/form_rules.h"
#include "common/reconcile/verdict.h"
#include "common/render/conflict_render.h"
#include "common/render/record_render.h"
#include "common/store/proto_io.h"
#include "common/util/json_writer.h"
#include "google/protobuf/util/message_differencer.h"
#include "server/admin/command.h"
#include "server/audit/logged_change.h"
#include "server/store/server_keys.h"

namespace wardsync::server {
namespace {

using wardsync::changes::Change;
using wardsync::records::FieldState;
using wardsync::records::RecordState;

struct FieldDiff {
  std::string field;
  const FieldState* before = nullptr;   // nullptr: not set
  const FieldState* after = nullptr;
};

bool SameValue(const FieldState* a, const FieldState* b) {
  const bool ha = a && a->has_value(), hb = b && b->has_value();
  if (ha != hb) return false;
  return !ha || google::protobuf::util::MessageDifferencer::Equals(a->value(), b->value());
}

// Fields the change named, and any other field whose value it changed.
std::vector<FieldDiff> Diff(const Change& change, const RecordState& before, const RecordState& after) {
  std::set<std::string> names;
  for (const auto& s : change.sets()) {
    if (s.field() != reconcile::kDeletedMarkerField) names.insert(s.field());
  }
  for (const auto& [k, v] : after.fields()) {
    auto b = before.fields().find(k);
    if (!SameValue(b == before.fields().end() ? nullptr : &b->second, &v)) names.insert(k);
  }
  for (const auto& [k, v] : before.fields()) {
    if (!after.fields().count(k)) names.insert(k);
  }
  std::vector<FieldDiff> out;
  for (const auto& n : names) {
    FieldDiff d{n};
    if (auto it = before.fields().find(n); it != before.fields().end()) d.before = &it->second;
    if (auto it = after.fields().find(n); it != after.fields().end()) d.after = &it->second;
    out.push_back(d);
  }
  return out;
}

std::string Text(const FieldState* f) {
  return f && f->has_value() ? forms_util::FormatValue(f->value()) : "(empty)";
}

std::string Json(const FieldState* f) {
  std::string v;
  if (!(f && f->has_value())) return "null";
  forms_util::AppendValueJson(f->value(), &v);
  return v;
}

// Device rows, read once each.
class Devices {
 public:
  explicit Devices(KvStore& store) : store_(store) {}
  const wardsync::store::Device& Get(const std::string& id) {
    auto it = rows_.find(id);
    if (it == rows_.end()) {
      wardsync::store::Device d;
      if (!GetProto(store_, keys::Device(id), &d).ok()) d.set_id(id);
      it = rows_.emplace(id, std::move(d)).first;
    }
    return it->second;
  }

 private:
  KvStore& store_;
  std::map<std::string, wardsync::store::Device> rows_;
};

const wardsync::records::Conflict* ConflictIn(const RecordState& r, const std::string& id) {
  for (const auto& c : r.conflicts()) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

void ConflictEventJson(const char* event, const RecordState& after, const std::string& id, util::JsonWriter& w) {
  const auto* c = ConflictIn(after, id);
  w.BeginObject().Key("event").String(event).Key("id").String(id);
  w.Key("kind").String(c ? render::ConflictKindName(c->kind()) : "values");
  if (c && !c->problem().empty()) w.Key("problem").String(c->problem());
  if (c && !c->open()) w.Key("reason").String(c->reason());
  w.EndObject();
}
// Import records (`import`), read once per device: which change-sets came
// in by a hand-over bundle, and who imported it.
class Imports {
 public:
  explicit Imports(KvStore& store) : store_(store) {}
  const wardsync::store::ImportRecord* Find(const std::string& device, uint64_t seq) {
    auto it = rows_.find(device);
    if (it == rows_.end()) {
      std::vector<wardsync::store::ImportRecord> list;
      for (auto scan = store_.Scan(keys::ImportPrefix(device)); scan->Valid(); scan->Next()) {
        wardsync::store::ImportRecord r;
        if (r.ParseFromArray(scan->value().data(), static_cast<int>(scan->value().size()))) list.push_back(r);
      }
      it = rows_.emplace(device, std::move(list)).first;
    }
    for (const auto& r : it->second) {
      if (r.first_seq() <= seq && seq <= r.last_seq()) return &r;
    }
    return nullptr;
  }

 private:
  KvStore& store_;
  std::map<std::string, std::vector<wardsync::store::ImportRecord>> rows_;
};

}  // namespace

int CmdHistory(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional().size() != 1) {
    err << "error: name exactly one RECORD (32 hex digits)\n";
    return 2;
  }
  const std::string& hex = args.positional()[0];
  std::string rid;
  if (!changes_util::ParseRecordId(hex, &rid)) {
    err << "error: \"" << hex << "\" is not a record id (32 hex digits)\n";
    return 2;
  }
  KvStore& store = env.ctx().store;
  // Fix the end of the log first: changes committed while we read are left out.
  std::string head_raw;
  const uint64_t head = store.Get(keys::kLogHead, &head_raw).ok() ? wardsync::keys::ReadU64(head_raw) : 0;
  RecordState stored;
  Status s = GetProto(store, keys::Record(rid), &stored);
  if (s.not_found()) {
    err << "error: no record " << hex << "\n";
    return 1;
  }
  if (!s.ok()) {
    err << "error: " << s.message() << "\n";
    return 1;
  }
  auto seqs = audit::RecordLogSeqs(store, rid, head);
  if (!seqs.ok()) {
    err << "error: " << seqs.status().message() << "\n";
    return 1;
  }

  const bool json = args.Flag("json");
  util::JsonWriter w;
  if (json) {
    w.BeginObject().Key("record").String(hex).Key("form").String(stored.form_id()).Key("ward").String(stored.ward());
    w.Key("quarantined").Bool(stored.quarantined());
    render::ReviewJson(stored, w);
    w.Key("changes").BeginArray();
  } else {
    out << "record " << hex << "  form " << stored.form_id() << "  ward " << stored.ward() << "  ("
        << seqs->size() << " change" << (seqs->size() == 1 ? "" : "s") << ")"
        << (stored.quarantined() ? "  QUARANTINED (not pulled; see `quarantine --list`)" : "") << "\n";
  }
  Devices devices(store);
  Imports imports(store);
  audit::ChangeSetReader reader(store);
  RecordState replayed;
  auto step = [&](const audit::LoggedChange& lc, const RecordState& before, const RecordState& after,
                  const reconcile::ApplyOutcome& outcome) {
    const auto& dev = devices.Get(lc.entry.device_id());
    const auto diffs = Diff(lc.change, before, after);
    const auto* imported = imports.Find(lc.entry.device_id(), lc.entry.seq());
    // Review of submissions: the verdict a REVIEW gave (stale: the record
    // had changed under the reviewer), or an edit returning it to received.
    const bool review = lc.entry.rejected().empty() && lc.change.op() == Change::REVIEW;
    const bool stale = review && after.comments_size() > 0 && after.comments(after.comments_size() - 1).stale();
    const bool reset = before.review().status() != after.review().status() && !review;
    if (json) {
      w.BeginObject();
      w.Key("log_seq").Uint(lc.log_seq).Key("op").String(render::ChangeOpName(lc.change.op()));
      w.Key("device").String(dev.id()).Key("device_role").String(dev.role()).Key("device_ward").String(dev.ward());
      w.Key("changeset_seq").Uint(lc.entry.seq()).Key("officer").String(lc.stamp.officer());
      w.Key("ward").String(lc.entry.ward());
      w.Key("hlc").Uint(lc.stamp.hlc()).Key("time").String(render::HlcTime(lc.stamp.hlc()));
      w.Key("received").String(render::TimeMs(lc.stamp.received_ms()));
      // The device's clock ran too far ahead: its own stamp (PROTOCOL.md, Clock skew).
      if (lc.stamp.device_hlc()) w.Key("device_time").String(render::HlcTime(lc.stamp.device_hlc()));
      else w.Key("device_time").Null();
      w.Key("deleted_before").Bool(before.deleted()).Key("deleted_after").Bool(after.deleted());
      w.Key("fields").BeginArray();
      for (const auto& d : diffs) {
        w.BeginObject().Key("field").String(d.field).Key("before").Raw(Json(d.before)).Key("after").Raw(Json(d.after));
        w.EndObject();
      }
      w.EndArray();
      auto list = [&](const char* key, const std::vector<std::string>& ids) {
        w.Key(key).BeginArray();
        for (const auto& id : ids) w.String(id);
        w.EndArray();
      };
      list("conflicts_opened", outcome.opened);
      list("conflicts_joined", outcome.joined);
      list("conflicts_resolved", outcome.closed);
      list("late_resolutions", outcome.superseded);
      if (lc.change.op() == Change::RESOLVE || !lc.change.reason().empty()) {
        w.Key("reason").String(lc.change.reason());
      }
      if (review || reset) {
        w.Key("review").BeginObject().Key("before").String(reconcile::VerdictName(before.review().status()));
        w.Key("after").String(reconcile::VerdictName(after.review().status()));
        if (review) {
          w.Key("verdict").String(reconcile::VerdictName(lc.change.review()));
          w.Key("comment").String(lc.change.comment()).Key("stale").Bool(stale);
        }
        w.EndObject();
      } else {
        w.Key("review").Null();
      }
      if (lc.entry.rejected().empty()) {
        w.Key("rejected").Null();
      } else {
        w.Key("rejected").String(lc.entry.rejected());
      }
      w.Key("conflict_events").BeginArray();
      for (const auto& id : outcome.opened) ConflictEventJson("opened", after, id, w);
      for (const auto& id : outcome.closed) ConflictEventJson("resolved", after, id, w);
      w.EndArray();
      if (imported) {
        w.Key("imported").BeginObject().Key("by").String(imported->operator_name());
        w.Key("uid").Uint(imported->operator_uid()).Key("file").String(imported->file());
        w.Key("at").String(render::TimeMs(imported->imported_ms()));
        w.Key("accepted_revoked").Bool(imported->accepted_revoked()).EndObject();
      } else {
        w.Key("imported").Null();
      }
      w.EndObject();
      return;
    }
    out << "#" << lc.log_seq << "  " << render::ChangeOpName(lc.change.op()) << "  by " << dev.id() << ":" << lc.entry.seq();
    if (!dev.role().empty()) out << " (" << dev.role() << (dev.ward().empty() ? "" : ", " + dev.ward()) << ")";
    if (!lc.stamp.officer().empty()) out << ", officer " << lc.stamp.officer();
    out << "\n      ward " << lc.entry.ward() << "  at " << render::HlcTime(lc.stamp.hlc()) << "  received "
        << render::TimeMs(lc.stamp.received_ms());
    if (lc.stamp.device_hlc()) {
      out << "  (device clock said " << render::HlcTime(lc.stamp.device_hlc()) << ": clamped)";
    }
    out << "\n";
    if (imported) {
      out << "      imported by " << imported->operator_name() << " (uid " << imported->operator_uid() << ") from "
          << imported->file() << " at " << render::TimeMs(imported->imported_ms())
          << (imported->accepted_revoked() ? ", device revoked: accepted with --accept-revoked" : "") << "\n";
    }
    if (before.deleted() != after.deleted() && !before.record_id().empty()) {
      out << "      record: " << (before.deleted() ? "deleted" : "live") << " -> "
          << (after.deleted() ? "deleted" : "live") << "\n";
    }
    if (!lc.entry.rejected().empty()) {
      out << "      REJECTED, not applied" << (lc.entry.not_kept() ? " (not kept on the record)" : "") << ": "
          << lc.entry.rejected() << "\n";
    } else {
      for (const auto& d : diffs) out << "      " << d.field << ": " << Text(d.before) << " -> " << Text(d.after) << "\n";
    }
    if (lc.change.op() != Change::RESOLVE && !lc.change.reason().empty()) {
      out << "      reason: " << lc.change.reason() << "\n";
    }
    if (review) {
      out << "      verdict: " << reconcile::VerdictName(lc.change.review())
          << (stale ? " (the record had changed since the version reviewed: kept as a comment, not applied)" : "")
          << "\n";
      if (!lc.change.comment().empty()) out << "      comment: " << lc.change.comment() << "\n";
    } else if (reset) {
      out << "      review: " << reconcile::VerdictName(before.review().status()) << " -> "
          << reconcile::VerdictName(after.review().status()) << "\n";
    }
    // Kind (and, for review kinds, what is wrong) of each conflict event.
    auto kind = [&](const std::string& id) -> std::string {
      const auto* c = ConflictIn(after, id);
      if (c == nullptr || c->kind() == wardsync::records::VALUES) return "";
      return std::string(" (") + render::ConflictKindName(c->kind()) +
             (c->kind() == wardsync::records::RULE ? ": " + c->problem() : std::string()) + ")";
    };
    for (const auto& id : outcome.opened) out << "      opened conflict " << id << kind(id) << "\n";
    for (const auto& id : outcome.joined) out << "      joined conflict " << id << "\n";
    for (const auto& id : outcome.closed) {
      const auto* c = ConflictIn(after, id);
      out << "      resolved conflict " << id << kind(id) << ": " << (c ? c->reason() : lc.change.reason()) << "\n";
    }
    for (const auto& id : outcome.superseded) {
      out << "      late resolution of conflict " << id << " (already resolved; kept on record, not applied): "
          << lc.change.reason() << "\n";
    }
  };
  auto forms = env.ctx().forms.Get();
  s = audit::ReplayRecord(reader, *seqs, &replayed, step, reconcile::FormRules(forms->registry));
  if (!s.ok()) {
    err << "error: " << s.message() << " (run wardsync-server verify)\n";
    return 1;
  }
  // The replay must land on what is stored (unless the record changed while we read).
  replayed.set_quarantined(stored.quarantined());  // an administrator's hold, not in the log
  const bool comparable = stored.log_seq() <= head;
  const bool matches = !comparable || google::protobuf::util::MessageDifferencer::Equals(replayed, stored);
  if (json) {
    w.EndArray().Key("matches_stored").Bool(matches).EndObject();
    out << w.str() << "\n";
  }
  if (!matches) {
    err << "error: replaying the log does not give the stored record " << hex << " (run wardsync-server verify)\n";
    return 1;
  }
  return 0;
}

}  // namespace wardsync::server

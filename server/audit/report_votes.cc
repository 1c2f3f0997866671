#include "server/audit/report_votes.h"

#include <algorithm>
#include <tuple>

#include "common/forms/field_path.h"
#include "server/audit/report_readiness.h"
#include "server/audit/report_turnout.h"

namespace wardsync::server::audit {

using wardsync::records::RecordState;

namespace {

constexpr const char* kGroup = "candidates";

struct Row {
  int64_t position = 0;
  bool live = false;
  std::optional<std::string> name;
  std::optional<uint64_t> votes;
  bool bad_votes = false;  // a votes value that is not a non-negative integer
};

// The rows of the group, in the order shown (position, then row id); the
// reason they cannot be summed, or "".
std::vector<std::pair<std::string, uint64_t>> ReadRows(const RecordState& r, std::string* incomplete) {
  std::map<std::string, Row> rows;
  for (const auto& [path, fv] : r.fields()) {
    auto p = forms_util::ParseFieldPath(path);
    if (!p || p->field != kGroup || p->row.empty()) continue;
    Row& row = rows[p->row];
    if (p->IsRowMarker()) {
      row.live = fv.has_value();
      if (row.live) row.position = fv.value().integer();
    } else if (p->sub == "full_name" || p->sub == "candidate") {  // v1-v2 typed name, v3 list value
      std::string name = Word(r, path);
      if (!name.empty()) row.name = name;
    } else if (p->sub == "votes") {
      row.votes = Count(r, path);
      row.bad_votes = fv.has_value() && !row.votes;
    }
  }
  std::vector<std::tuple<int64_t, std::string, const Row*>> order;
  for (const auto& [id, row] : rows) {
    if (row.live) order.emplace_back(row.position, id, &row);
  }
  std::sort(order.begin(), order.end());
  std::vector<std::pair<std::string, uint64_t>> out;
  std::set<std::string> seen;
  for (const auto& [pos, id, row] : order) {
    if (!row->name) {
      *incomplete = "row " + id + " has no candidate name";
    } else if (!row->votes) {
      *incomplete = "row " + id + " (" + *row->name + ") has no votes";
    } else if (!seen.insert(*row->name).second) {
      *incomplete = "candidate " + *row->name + " is on two rows";
    } else {
      out.emplace_back(*row->name, *row->votes);
      continue;
    }
    return {};
  }
  if (out.empty()) *incomplete = "no candidate rows";
  return out;
}

std::string VotesText(const std::vector<std::pair<std::string, uint64_t>>& votes) {
  std::string out;
  for (const auto& [name, n] : votes) {
    if (!out.empty()) out += ", ";
    out += name + "=" + std::to_string(n);
  }
  return out.empty() ? "(no rows summed)" : out;
}

void KnowArea(std::set<AreaKey>* known, const RecordState& r) {
  if (r.deleted() || r.placeholder()) return;
  const std::string area = Word(r, "polling_area").empty() ? Word(r, "station_code") : Word(r, "polling_area");
  if (!area.empty()) known->insert({r.ward(), area});
}

// A candidate picked from the published list by its label; a name typed in
// older minutes as it is.
std::string Shown(const ReportContext& ctx, const std::string& candidate) {
  auto it = ctx.choice_labels.find(candidate);
  return it == ctx.choice_labels.end() ? candidate : it->second;
}

// The constituencies of a level as shown: list values, then typed ones.
std::vector<std::tuple<std::string, const ConstituencyVotes&, bool>> Constituencies(const LevelVotes& lv) {
  std::vector<std::tuple<std::string, const ConstituencyVotes&, bool>> out;
  for (const auto& [name, c] : lv.constituencies) out.emplace_back(name, c, false);
  for (const auto& [name, c] : lv.typed_constituencies) out.emplace_back(name, c, true);
  return out;
}

}  // namespace

bool ConstituencyVotes::Overflowed() const {
  for (const auto& [name, n] : votes) {
    if (n.overflow()) return true;
  }
  return false;
}

void VoteTally::Add(const RecordState& r) {
  // Areas a ward knows, whatever the standing of the record naming them.
  if (r.form_id() == kTurnoutForm || r.form_id() == kReadinessForm || r.form_id() == kForm) KnowArea(&known_, r);
  uint64_t provisional = 0;
  if (!Take(r, kForm, &provisional, &under_review_)) return;
  ++minutes_;
  std::string level = Word(r, "level");
  std::string constituency = Word(r, "constituency");
  Minutes m{RecordHex(r), constituency.empty() ? "(no constituency)" : constituency, Typed(r, "constituency"), {},
            {}, provisional > 0};
  m.votes = ReadRows(r, &m.incomplete);
  by_level_[level.empty() ? "(no level)" : level][AreaOf(r)].push_back(std::move(m));
}

void VoteTally::Merge(const VoteTally& o) {
  for (const auto& [level, areas] : o.by_level_) {
    auto& mine = by_level_[level];
    for (const auto& [area, list] : areas) {
      auto& l = mine[area];
      l.insert(l.end(), list.begin(), list.end());
    }
  }
  known_.insert(o.known_.begin(), o.known_.end());
  minutes_ += o.minutes_;
  under_review_ += o.under_review_;
}

std::map<std::string, LevelVotes> VoteTally::Levels(const ReportContext& ctx) const {
  std::map<std::string, LevelVotes> out;
  const std::vector<AreaKey> expected = ExpectedAreas(ctx, known_);
  for (const auto& [level, areas] : by_level_) {
    LevelVotes& lv = out[level];
    for (const auto& [area, list] : areas) {
      auto of = [&lv](const Minutes& m) -> ConstituencyVotes& {
        return (m.constituency_typed ? lv.typed_constituencies : lv.constituencies)[m.constituency];
      };
      if (list.size() > 1) {
        for (const auto& m : list) ++of(m).duplicated;
        continue;
      }
      const Minutes& m = list.front();
      ConstituencyVotes& c = of(m);
      if (!m.incomplete.empty()) {
        ++c.incomplete;
        continue;
      }
      ++c.areas;
      if (m.provisional) ++c.provisional;
      for (const auto& [name, n] : m.votes) c.votes[name] += n;
    }
    for (const auto& area : expected) {
      if (!areas.count(area)) lv.missing.push_back(area);
    }
  }
  return out;
}

bool VoteTally::Overflowed() const {
  for (const auto& [level, lv] : Levels()) {
    for (const auto* cs : {&lv.constituencies, &lv.typed_constituencies}) {
      for (const auto& [name, c] : *cs) {
        if (c.Overflowed()) return true;
      }
    }
  }
  return false;
}

void VoteTally::Apart(std::vector<ReviewItem>* out) const {
  for (const auto& [level, areas] : by_level_) {
    for (const auto& [area, list] : areas) {
      for (const auto& m : list) {
        if (list.size() > 1) {
          out->push_back({m.record, kForm,
                          "DUPLICATE: " + std::to_string(list.size()) + " minutes of polling area " + area.area +
                              " for " + level + "; none is summed",
                          VotesText(m.votes)});
        } else if (!m.incomplete.empty()) {
          out->push_back({m.record, kForm, "INCOMPLETE: " + m.incomplete + "; not summed", VotesText(m.votes)});
        }
      }
    }
  }
}

void VoteTally::Json(util::JsonWriter& w, const ReportContext& ctx) const {
  w.BeginObject().Key("minutes").Uint(minutes_).Key("under_review").Uint(under_review_);
  w.Key("overflow").Bool(Overflowed()).Key("levels").BeginArray();
  for (const auto& [level, lv] : Levels(ctx)) {
    w.BeginObject().Key("level").String(level).Key("label").String(Label(ctx, kForm, "level", level));
    w.Key("constituencies").BeginArray();
    for (const auto& [name, c, typed] : Constituencies(lv)) {
      // "constituency" is what the totals are keyed by: the list value, or
      // (typed: true) the number as typed in minutes before version 4.
      w.BeginObject().Key("constituency").String(name).Key("typed").Bool(typed);
      w.Key("label").String(typed ? "" : Label(ctx, kForm, "constituency", name)).Key("areas").Uint(c.areas);
      w.Key("provisional").Uint(c.provisional).Key("duplicated").Uint(c.duplicated);
      w.Key("incomplete").Uint(c.incomplete).Key("candidates").BeginArray();
      for (const auto& [candidate, n] : c.votes) {
        // "candidate" is what the totals are keyed by (the list value, or the
        // name as typed in minutes before version 3); "full_name" is shown.
        w.BeginObject().Key("candidate").String(candidate).Key("full_name").String(Shown(ctx, candidate));
        FigureJson(w, "votes", n);
        w.EndObject();
      }
      w.EndArray().EndObject();
    }
    w.EndArray().Key("missing").BeginArray();
    for (const auto& a : lv.missing) AreaJson(w, a, ctx);
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
}

void VoteTally::Text(std::ostream& out, const ReportContext& ctx) const {
  if (minutes_ == 0 && under_review_ == 0) return;
  out << "  votes:\n";
  for (const auto& [level, lv] : Levels(ctx)) {
    out << "    " << level << ":\n";
    for (const auto& [name, c, typed] : Constituencies(lv)) {
      const std::string label = typed ? "" : Label(ctx, kForm, "constituency", name);
      out << "      constituency " << (label.empty() ? name : label + " (" + name + ")")
          << (typed ? " [typed before version 4]" : "") << " (" << c.areas << " area" << (c.areas == 1 ? "" : "s");
      if (c.provisional) out << ", " << c.provisional << " with figures still in conflict";
      if (c.duplicated) out << ", " << c.duplicated << " duplicate minutes, not summed";
      if (c.incomplete) out << ", " << c.incomplete << " incomplete, not summed";
      out << "):\n";
      for (const auto& [candidate, n] : c.votes) {
        const std::string shown = Shown(ctx, candidate);
        out << "        " << shown << (shown == candidate ? "" : " (" + candidate + ")") << ": " << n << "\n";
      }
    }
    if (!lv.missing.empty()) {
      out << "      no minutes yet:";
      for (const auto& a : lv.missing) out << " " << a.Text();
      out << "\n";
    }
  }
  if (under_review_) {
    out << "    (+" << under_review_ << " minutes under review, left out of every figure here; listed above)\n";
  }
}

}  // namespace wardsync::server::audit

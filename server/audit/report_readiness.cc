#include "server/audit/report_readiness.h"

#include <set>

namespace wardsync::server::audit {

using wardsync::records::RecordState;

void ReadinessTally::Keep(const AreaKey& area, const std::string& date, std::vector<Check> checks) {
  auto [it, fresh] = areas_.try_emplace(area);
  Latest& l = it->second;
  if (fresh || date > l.date) {  // dates are YYYY-MM-DD: text order is day order
    l.date = date;
    l.checks = std::move(checks);
  } else if (date == l.date) {
    l.checks.insert(l.checks.end(), checks.begin(), checks.end());
  }  // an older check: superseded
}

void ReadinessTally::Add(const RecordState& r) {
  uint64_t provisional = 0;
  if (!Take(r, kForm, &provisional, &under_review_)) return;
  ++checks_;
  Keep(AreaOf(r), Word(r, "check_date"),
       {{RecordHex(r), Word(r, "readiness"), Boolean(r, "voter_list_posted"), Boolean(r, "candidate_list_posted"),
         Count(r, "registered_voters"), Word(r, "issues"), provisional > 0}});
}

void ReadinessTally::Merge(const ReadinessTally& o) {
  for (const auto& [area, latest] : o.areas_) Keep(area, latest.date, latest.checks);
  checks_ += o.checks_;
  under_review_ += o.under_review_;
}

ReadinessFigures ReadinessTally::Figures(const ReportContext& ctx) const {
  ReadinessFigures f;
  std::set<AreaKey> known;
  for (const auto& [area, latest] : areas_) {
    known.insert(area);
    if (latest.checks.size() > 1) {
      ++f.in_doubt;
      continue;
    }
    const Check& c = latest.checks.front();
    ++f.areas;
    ++f.by_readiness[c.readiness];
    if (c.list_posted != true) ++f.list_not_posted;
    f.registered_voters += c.registered.value_or(0);
    if (c.provisional) ++f.provisional;
    const NotReadyArea state{area, c.record, c.readiness, c.list_posted, c.candidates_posted, c.issues};
    f.by_area.push_back(state);
    // An empty candidate_list_posted is version 1's (no such field), not a "no".
    if (c.readiness != kReadyValue || c.list_posted != true || c.candidates_posted == false) f.not_ready.push_back(state);
  }
  for (const auto& area : ExpectedAreas(ctx, known)) {
    auto it = areas_.find(area);
    if (it == areas_.end() || it->second.checks.size() > 1) f.not_checked.push_back(area);
  }
  return f;
}

void ReadinessTally::Apart(std::vector<ReviewItem>* out) const {
  for (const auto& [area, latest] : areas_) {
    if (latest.checks.size() < 2) continue;
    for (const auto& c : latest.checks) {
      out->push_back({c.record, kForm,
                      "DUPLICATE: " + std::to_string(latest.checks.size()) + " checks of polling area " + area.area +
                          " on " + (latest.date.empty() ? "(no date)" : latest.date) + "; none is taken",
                      "readiness=" + (c.readiness.empty() ? "(empty)" : c.readiness)});
    }
  }
}

namespace {

void AreaStateJson(util::JsonWriter& w, const NotReadyArea& a, const ReportContext& ctx) {
  w.BeginObject().Key("ward").String(a.area.ward).Key("area").String(a.area.area);
  w.Key("label").String(Label(ctx, kReadinessForm, "polling_area", a.area.area));
  w.Key("record").String(a.record).Key("readiness").String(a.readiness);
  w.Key("readiness_label").String(Label(ctx, kReadinessForm, "readiness", a.readiness));
  for (const auto& [key, v] : {std::pair{"voter_list_posted", a.list_posted}, std::pair{"candidate_list_posted", a.candidates_posted}}) {
    w.Key(key);
    if (v) w.Bool(*v);
    else w.Null();
  }
  w.Key("issues").String(a.issues).EndObject();
}

}  // namespace

void ReadinessTally::Json(util::JsonWriter& w, const ReportContext& ctx) const {
  const ReadinessFigures f = Figures(ctx);
  w.BeginObject().Key("checks").Uint(checks_).Key("under_review").Uint(under_review_);
  w.Key("areas").Uint(f.areas).Key("by_readiness").BeginObject();
  for (const auto& [value, n] : f.by_readiness) w.Key(value).Uint(n);
  w.EndObject().Key("voter_list_not_posted").Uint(f.list_not_posted);
  FigureJson(w, "registered_voters", f.registered_voters);
  w.Key("overflow").Bool(f.registered_voters.overflow());
  w.Key("provisional").Uint(f.provisional).Key("in_doubt").Uint(f.in_doubt).Key("not_ready").BeginArray();
  for (const auto& a : f.not_ready) AreaStateJson(w, a, ctx);
  w.EndArray().Key("by_area").BeginArray();
  for (const auto& a : f.by_area) AreaStateJson(w, a, ctx);
  w.EndArray().Key("not_checked").BeginArray();
  for (const auto& a : f.not_checked) AreaJson(w, a, ctx);
  w.EndArray().EndObject();
}

void ReadinessTally::Text(std::ostream& out, const ReportContext& ctx) const {
  if (checks_ == 0 && under_review_ == 0) return;
  const ReadinessFigures f = Figures(ctx);
  out << "  polling areas checked: " << f.areas << " (" << f.registered_voters << " voters on their lists";
  const char* sep = "; ";
  for (const auto& [value, n] : f.by_readiness) {
    out << sep << (value.empty() ? "(not assessed)" : value) << " " << n;
    sep = ", ";
  }
  out << ")";
  if (f.provisional) out << ", " << f.provisional << " with figures still in conflict";
  if (f.in_doubt) out << ", " << f.in_doubt << " checked twice the same day, not taken";
  out << "\n";
  for (const auto& a : f.not_ready) {
    out << "    not ready: " << a.area.Text() << "  " << (a.readiness.empty() ? "(not assessed)" : a.readiness);
    if (a.list_posted != true) out << ", voter list not posted";
    if (a.candidates_posted == false) out << ", candidate list not posted";
    if (!a.issues.empty()) out << "  \"" << a.issues << "\"";
    out << "  " << a.record << "\n";
  }
  if (!f.not_checked.empty()) {
    out << "    not checked yet:";
    for (const auto& a : f.not_checked) out << " " << a.Text();
    out << "\n";
  }
  if (under_review_) {
    out << "    (+" << under_review_ << " check" << (under_review_ == 1 ? "" : "s")
        << " under review, left out of every figure here; listed above)\n";
  }
}

}  // namespace wardsync::server::audit

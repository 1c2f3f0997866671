#include "server/audit/report_turnout.h"

#include <set>

namespace wardsync::server::audit {

using wardsync::records::RecordState;

namespace {

std::string OptText(const std::optional<uint64_t>& n) { return n ? std::to_string(*n) : "(empty)"; }

}  // namespace

bool CheckpointFigures::Overflowed() const {
  return registered_voters.overflow() || votes_cast.overflow() || mobile_box_votes.overflow();
}

void TurnoutTally::Add(const RecordState& r) {
  uint64_t provisional = 0;
  if (!Take(r, kForm, &provisional, &under_review_)) return;
  ++reports_;
  std::string checkpoint = Word(r, "report_time");
  if (checkpoint.empty()) checkpoint = "(no checkpoint)";
  by_checkpoint_[checkpoint][AreaOf(r)].push_back(
      {RecordHex(r), Count(r, "registered_voters"), Count(r, "votes_cast"), Count(r, "mobile_box_votes"),
       provisional > 0});
}

void TurnoutTally::Merge(const TurnoutTally& o) {
  // Areas are keyed by ward, so two wards' area "01" stay apart.
  for (const auto& [checkpoint, areas] : o.by_checkpoint_) {
    auto& mine = by_checkpoint_[checkpoint];
    for (const auto& [area, reports] : areas) {
      auto& list = mine[area];
      list.insert(list.end(), reports.begin(), reports.end());
    }
  }
  reports_ += o.reports_;
  under_review_ += o.under_review_;
}

std::map<std::string, CheckpointFigures> TurnoutTally::Checkpoints(const ReportContext& ctx) const {
  std::set<AreaKey> known;
  for (const auto& [checkpoint, areas] : by_checkpoint_) {
    for (const auto& [area, reports] : areas) known.insert(area);
  }
  std::map<std::string, CheckpointFigures> out;
  for (const auto& [checkpoint, areas] : by_checkpoint_) {
    CheckpointFigures& f = out[checkpoint];
    for (const auto& [area, reports] : areas) {
      if (reports.size() > 1) {
        ++f.duplicated;
        continue;
      }
      const Report& rep = reports.front();
      ++f.areas;
      f.registered_voters += rep.registered.value_or(0);
      f.votes_cast += rep.votes.value_or(0);
      f.mobile_box_votes += rep.mobile.value_or(0);
      if (rep.provisional) ++f.provisional;
    }
    for (const auto& area : ExpectedAreas(ctx, known)) {
      if (!areas.count(area)) f.missing.push_back(area);
    }
  }
  return out;
}

bool TurnoutTally::Overflowed() const {
  for (const auto& [checkpoint, f] : Checkpoints()) {
    if (f.Overflowed()) return true;
  }
  return false;
}

void TurnoutTally::Apart(std::vector<ReviewItem>* out) const {
  for (const auto& [checkpoint, areas] : by_checkpoint_) {
    for (const auto& [area, reports] : areas) {
      if (reports.size() < 2) continue;
      for (const auto& rep : reports) {
        out->push_back({rep.record, kForm,
                        "DUPLICATE: " + std::to_string(reports.size()) + " reports of polling area " + area.area +
                            " at " + checkpoint + "; none is summed",
                        "registered_voters=" + OptText(rep.registered) + ", votes_cast=" + OptText(rep.votes)});
      }
    }
  }
}

void TurnoutTally::Json(util::JsonWriter& w, const ReportContext& ctx) const {
  w.BeginObject().Key("reports").Uint(reports_).Key("under_review").Uint(under_review_);
  w.Key("overflow").Bool(Overflowed()).Key("checkpoints").BeginArray();
  for (const auto& [checkpoint, f] : Checkpoints(ctx)) {
    w.BeginObject().Key("checkpoint").String(checkpoint).Key("label").String(Label(ctx, kForm, "report_time", checkpoint));
    w.Key("areas").Uint(f.areas);
    FigureJson(w, "registered_voters", f.registered_voters);
    FigureJson(w, "votes_cast", f.votes_cast);
    FigureJson(w, "mobile_box_votes", f.mobile_box_votes);
    ShareJson(w, "turnout", f.Turnout());
    w.Key("provisional").Uint(f.provisional).Key("duplicated").Uint(f.duplicated).Key("missing").BeginArray();
    for (const auto& a : f.missing) AreaJson(w, a, ctx);
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
}

void TurnoutTally::Text(std::ostream& out, const ReportContext& ctx) const {
  if (reports_ == 0 && under_review_ == 0) return;
  out << "  turnout:\n";
  for (const auto& [checkpoint, f] : Checkpoints(ctx)) {
    const std::string label = Label(ctx, kForm, "report_time", checkpoint);
    out << "    " << checkpoint << (label.empty() ? "" : " (" + label + ")") << ": " << f.votes_cast << " of " << f.registered_voters << " voted = "
        << Percent(f.Turnout()) << " (" << f.areas << " area" << (f.areas == 1 ? "" : "s");
    if (f.mobile_box_votes.overflow() || f.mobile_box_votes.value()) out << ", " << f.mobile_box_votes << " by mobile box";
    if (f.provisional) out << ", " << f.provisional << " with figures still in conflict";
    if (f.duplicated) out << ", " << f.duplicated << " reported twice, not summed";
    out << ")\n";
    if (!f.missing.empty()) {
      out << "      not yet reported:";
      for (const auto& a : f.missing) out << " " << a.Text();
      out << "\n";
    }
  }
  if (under_review_) {
    out << "    (+" << under_review_ << " report" << (under_review_ == 1 ? "" : "s")
        << " under review, left out of every figure here; listed above)\n";
  }
}

}  // namespace wardsync::server::audit

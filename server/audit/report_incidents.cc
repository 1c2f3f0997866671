#include "server/audit/report_incidents.h"

namespace wardsync::server::audit {

using wardsync::records::RecordState;

void IncidentTally::Add(const RecordState& r) {
  if (!Take(r, kForm, &provisional, &under_review)) return;
  ++incidents;
  const std::string severity = Word(r, "severity");
  SeverityFigures& f = by_severity[severity];
  ++f.incidents;
  f.people_involved += Count(r, "people_involved").value_or(0);
  f.injured += Count(r, "injured").value_or(0);
  if (Boolean(r, "resolved") != true) {
    ++f.open;
    open.push_back({r.ward(), RecordHex(r), Word(r, "incident_date"), severity, Word(r, "category"),
                    Word(r, "location"), Boolean(r, "police_notified")});
  }
}

void IncidentTally::Merge(const IncidentTally& o) {
  incidents += o.incidents;
  provisional += o.provisional;
  under_review += o.under_review;
  for (const auto& [severity, f] : o.by_severity) {
    SeverityFigures& mine = by_severity[severity];
    mine.incidents += f.incidents;
    mine.open += f.open;
    mine.people_involved += f.people_involved;
    mine.injured += f.injured;
  }
  open.insert(open.end(), o.open.begin(), o.open.end());
}

bool IncidentTally::Overflowed() const {
  for (const auto& [severity, f] : by_severity) {
    if (f.people_involved.overflow() || f.injured.overflow()) return true;
  }
  return false;
}

void IncidentTally::Json(util::JsonWriter& w, const ReportContext&) const {
  w.BeginObject().Key("incidents").Uint(incidents).Key("open").Uint(open.size());
  w.Key("provisional").Uint(provisional).Key("under_review").Uint(under_review);
  w.Key("overflow").Bool(Overflowed()).Key("by_severity").BeginArray();
  for (const auto& [severity, f] : by_severity) {
    w.BeginObject().Key("severity").String(severity).Key("incidents").Uint(f.incidents).Key("open").Uint(f.open);
    FigureJson(w, "people_involved", f.people_involved);
    FigureJson(w, "injured", f.injured);
    w.EndObject();
  }
  w.EndArray().Key("open_incidents").BeginArray();
  for (const auto& i : open) {
    w.BeginObject().Key("ward").String(i.ward).Key("record").String(i.record).Key("date").String(i.date);
    w.Key("severity").String(i.severity).Key("category").String(i.category).Key("location").String(i.location);
    w.Key("police_notified");
    if (i.police_notified) w.Bool(*i.police_notified);
    else w.Null();
    w.EndObject();
  }
  w.EndArray().EndObject();
}

void IncidentTally::Text(std::ostream& out, const ReportContext&) const {
  if (incidents == 0 && under_review == 0) return;
  out << "  incidents: " << incidents << ", " << open.size() << " open";
  if (provisional) out << " (" << provisional << " with figures still in conflict)";
  out << "\n";
  for (const auto& [severity, f] : by_severity) {
    out << "    " << (severity.empty() ? "(no severity)" : severity) << ": " << f.incidents << ", " << f.open
        << " open; " << f.people_involved << " involved, " << f.injured << " injured\n";
  }
  for (const auto& i : open) {
    out << "    open: " << i.ward << "  " << (i.date.empty() ? "(no date)" : i.date) << "  " << i.severity << "  "
        << i.category << "  \"" << i.location << "\"" << (i.police_notified == true ? "  police notified" : "")
        << "  " << i.record << "\n";
  }
  if (under_review) {
    out << "    (+" << under_review << " incident" << (under_review == 1 ? "" : "s")
        << " under review, left out of every figure here; listed above)\n";
  }
}

}  // namespace wardsync::server::audit

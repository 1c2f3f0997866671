#include "server/audit/report_candidates.h"

namespace wardsync::server::audit {

using wardsync::records::RecordState;

namespace {

void Note(Attribute* a, std::optional<bool> v) {
  if (!v) a->unknown += 1;
  else if (*v) a->yes += 1;
}

void Merge(Attribute* a, const Attribute& o) {
  a->yes += o.yes;
  a->unknown += o.unknown;
}

void AttributeJson(util::JsonWriter& w, std::string_view key, const Attribute& a, const Figure& whole) {
  w.Key(key).BeginObject();
  FigureJson(w, "count", a.yes);
  ShareJson(w, "share", Share(a.yes, whole));
  FigureJson(w, "unknown", a.unknown);
  w.EndObject();
}

void AttributeText(std::ostream& out, std::string_view name, const Attribute& a, const Figure& whole) {
  out << ", " << name << " " << a.yes << " (" << Percent(Share(a.yes, whole));
  if (a.unknown.overflow() || a.unknown.value()) out << ", " << a.unknown << " unknown";
  out << ")";
}

}  // namespace

uint64_t YearOf(const std::string& day) {
  if (day.size() < 4) return 0;
  uint64_t y = 0;
  for (int i = 0; i < 4; ++i) {
    if (day[i] < '0' || day[i] > '9') return 0;
    y = y * 10 + static_cast<uint64_t>(day[i] - '0');
  }
  return y;
}

Attribute LevelStructure::UnderForty(uint64_t year) const {
  Attribute a;
  a.unknown = birth_year_unknown;
  for (const auto& [born, n] : by_birth_year) {
    // Age in `year` below 40; a birth year after `year` is an error of the
    // register, not a young candidate: unknown.
    if (year == 0 || born > year) a.unknown += n;
    else if (year - born < 40) a.yes += n;
  }
  return a;
}

void LevelStructure::Merge(const LevelStructure& o) {
  candidates += o.candidates;
  provisional += o.provisional;
  audit::Merge(&women, o.women);
  audit::Merge(&non_party, o.non_party);
  audit::Merge(&ethnic_minority, o.ethnic_minority);
  audit::Merge(&re_standing, o.re_standing);
  for (const auto& [born, n] : o.by_birth_year) by_birth_year[born] += n;
  birth_year_unknown += o.birth_year_unknown;
}

bool LevelStructure::Overflowed() const {
  bool over = candidates.overflow() || birth_year_unknown.overflow();
  for (const Attribute* a : {&women, &non_party, &ethnic_minority, &re_standing}) {
    over = over || a->yes.overflow() || a->unknown.overflow();
  }
  for (const auto& [born, n] : by_birth_year) over = over || n.overflow();
  return over;
}

void CandidateStructureTally::Add(const RecordState& r) {
  uint64_t provisional = 0;
  if (!Take(r, kForm, &provisional, &under_review_)) return;
  std::string level = Word(r, "level");
  if (level.empty()) level = "(no level)";
  const std::string listed = Word(r, "candidate");  // versions 2-3: a value of the list
  LevelStructure one;
  LevelStructure& s = listed.empty() ? levels_[level] : one;
  s.candidates += 1;
  s.provisional += provisional;
  const std::string gender = Word(r, "gender");
  Note(&s.women, gender.empty() ? std::nullopt : std::optional<bool>(gender == "nu"));
  const auto party = Boolean(r, "party_member");
  Note(&s.non_party, party ? std::optional<bool>(!*party) : std::nullopt);
  Note(&s.ethnic_minority, Boolean(r, "ethnic_minority"));
  Note(&s.re_standing, Boolean(r, "re_standing"));
  if (auto born = Count(r, "birth_year")) s.by_birth_year[*born] += 1;
  else s.birth_year_unknown += 1;
  if (!listed.empty()) listed_[listed].push_back({RecordHex(r), level, std::move(one)});
}

void CandidateStructureTally::Merge(const CandidateStructureTally& o) {
  for (const auto& [level, s] : o.levels_) levels_[level].Merge(s);
  for (const auto& [value, regs] : o.listed_) {
    auto& mine = listed_[value];
    mine.insert(mine.end(), regs.begin(), regs.end());
  }
  under_review_ += o.under_review_;
}

std::map<std::string, LevelStructure> CandidateStructureTally::levels() const {
  std::map<std::string, LevelStructure> out = levels_;
  for (const auto& [value, regs] : listed_) {
    if (regs.size() == 1) {
      out[regs.front().level].Merge(regs.front().figures);
      continue;
    }
    for (const auto& reg : regs) ++out[reg.level].duplicated;
  }
  return out;
}

void CandidateStructureTally::Apart(std::vector<ReviewItem>* out) const {
  for (const auto& [value, regs] : listed_) {
    if (regs.size() < 2) continue;
    for (const auto& reg : regs) {
      out->push_back({reg.record, kForm,
                      "DUPLICATE: candidate " + value + " is registered by " + std::to_string(regs.size()) +
                          " records; none is counted",
                      "candidate=" + value + ", level=" + reg.level});
    }
  }
}

bool CandidateStructureTally::Overflowed() const {
  for (const auto& [level, s] : levels()) {
    if (s.Overflowed()) return true;
  }
  return false;
}

void CandidateStructureTally::Json(util::JsonWriter& w, const ReportContext& ctx) const {
  const uint64_t year = YearOf(ctx.today);
  w.BeginObject().Key("under_review").Uint(under_review_).Key("overflow").Bool(Overflowed());
  w.Key("age_year").Uint(year).Key("levels").BeginArray();
  for (const auto& [level, s] : levels()) {
    w.BeginObject().Key("level").String(level).Key("label").String(Label(ctx, kForm, "level", level));
    FigureJson(w, "candidates", s.candidates);
    w.Key("provisional").Uint(s.provisional).Key("duplicated").Uint(s.duplicated);
    AttributeJson(w, "women", s.women, s.candidates);
    AttributeJson(w, "under_40", s.UnderForty(year), s.candidates);
    AttributeJson(w, "non_party", s.non_party, s.candidates);
    AttributeJson(w, "ethnic_minority", s.ethnic_minority, s.candidates);
    AttributeJson(w, "re_standing", s.re_standing, s.candidates);
    w.EndObject();
  }
  w.EndArray().EndObject();
}

void CandidateStructureTally::Text(std::ostream& out, const ReportContext& ctx) const {
  if (levels_.empty() && listed_.empty() && under_review_ == 0) return;
  const uint64_t year = YearOf(ctx.today);
  out << "  candidates:\n";
  for (const auto& [level, s] : levels()) {
    out << "    " << level << ": " << s.candidates;
    AttributeText(out, "women", s.women, s.candidates);
    AttributeText(out, "under 40", s.UnderForty(year), s.candidates);
    AttributeText(out, "non-party", s.non_party, s.candidates);
    AttributeText(out, "ethnic minority", s.ethnic_minority, s.candidates);
    AttributeText(out, "re-standing", s.re_standing, s.candidates);
    if (s.provisional) out << "; " << s.provisional << " with values still in conflict";
    if (s.duplicated) out << "; " << s.duplicated << " registered twice, not counted";
    out << "\n";
  }
  if (under_review_) {
    out << "    (+" << under_review_ << " candidate" << (under_review_ == 1 ? "" : "s")
        << " under review, left out of every figure here; listed above)\n";
  }
}

}  // namespace wardsync::server::audit

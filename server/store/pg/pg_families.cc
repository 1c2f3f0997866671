#include "server/store/pg/pg_families.h"

namespace wardsync::pg {

const std::vector<Family>& Families() {
  static const std::vector<Family> families = {
      {"code/", "ws_enroll_codes"}, {"conf/", "ws_open_conflicts"}, {"cs/", "ws_change_sets"},
      {"dev/", "ws_devices"},       {"form/", "ws_forms"},          {"imp/", "ws_imports"},
      {"log/", "ws_log"},           {"meta/", "ws_meta"},           {"quar/", "ws_quarantine"},
      {"rec/", "ws_records"},       {"rlog/", "ws_record_log"},     {"ukey/", "ws_unique_keys"},
      {"user/", "ws_users"},        {"wlog/", "ws_ward_log"},
  };
  return families;
}

std::vector<std::string_view> AllTables() {
  std::vector<std::string_view> out;
  for (const auto& f : Families()) out.push_back(f.table);
  out.push_back(kOtherTable);
  return out;
}

std::string_view TableOf(std::string_view key) {
  for (const auto& f : Families()) {
    if (key.substr(0, f.prefix.size()) == f.prefix) return f.table;
  }
  return kOtherTable;
}

std::vector<std::string_view> TablesFor(std::string_view prefix) {
  // Prefix ranges are nested or disjoint: either the scan lies inside one
  // family, or it holds whole families (and maybe keys of none).
  for (const auto& f : Families()) {
    if (prefix.substr(0, f.prefix.size()) == f.prefix) return {f.table};
  }
  std::vector<std::string_view> out;
  for (const auto& f : Families()) {
    if (f.prefix.substr(0, prefix.size()) == prefix) out.push_back(f.table);
  }
  out.push_back(kOtherTable);
  return out;
}

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

}  // namespace wardsync::pg

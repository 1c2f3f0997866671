// Where the PostgreSQL store keeps each key: every key family of the server
// (server/store/server_keys.h: "dev/", "cs/", "log/", "rec/", ...) has a
// table of its own, so a family's scans, its index and its growth (the log,
// the change-sets) never touch another's; a key of no known family goes to
// ws_other. Every table is (k bytea PRIMARY KEY, v bytea): bytea compares
// as unsigned bytes, which is the store's key order (kv_store.h).
//
// Changing this list moves keys between tables, so it is part of the
// store's layout: a new family needs a new table created by a migration,
// or its keys stay in ws_other (where they are found all the same).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace wardsync::pg {

struct Family {
  std::string_view prefix;  // no family's prefix is a prefix of another's
  std::string_view table;
};

const std::vector<Family>& Families();
inline constexpr std::string_view kOtherTable = "ws_other";

// Every table of the store (the families' and ws_other).
std::vector<std::string_view> AllTables();

// The table a key lives in.
std::string_view TableOf(std::string_view key);

// The tables that may hold keys with this prefix: one when the prefix lies
// inside a family, else the families inside it plus ws_other ("" = all).
std::vector<std::string_view> TablesFor(std::string_view prefix);

// The first key after every key with this prefix; "" when there is none
// (the prefix is empty or all 0xff): the scan has no upper bound.
std::string PrefixEnd(std::string_view prefix);

}  // namespace wardsync::pg

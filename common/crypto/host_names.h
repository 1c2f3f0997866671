// The server's names as X.509 subjectAltName entries, shared by the
// certificates the CA issues (pki.cc) and the requests the server makes for
// them (cert_request.cc), so both read and write names the same way.
#pragma once
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace wardsync::crypto {

struct GeneralNamesFree {
  void operator()(GENERAL_NAMES* g) const { GENERAL_NAMES_free(g); }
};
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, GeneralNamesFree>;

// Refuses an empty list and any entry that is neither an IPv4/IPv6 literal
// nor a DNS name (letters, digits, '-', '.', '_').
Status CheckHostNames(const std::vector<std::string>& hosts);

// An IP literal becomes an iPAddress entry, anything else a dNSName.
// Call CheckHostNames first.
Result<GeneralNamesPtr> MakeGeneralNames(const std::vector<std::string>& hosts);

// The dNSName and iPAddress entries as text, in order; any other kind of
// entry is refused (a server name is only ever one of those two).
Result<std::vector<std::string>> HostNamesOf(const GENERAL_NAMES* names);

}  // namespace wardsync::crypto

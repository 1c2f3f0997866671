#include "common/crypto/host_names.h"

#include <arpa/inet.h>

namespace wardsync::crypto {
namespace {

bool IsIpLiteral(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool IsDnsName(const std::string& s) {
  if (s.empty() || s.size() > 253 || s.front() == '.' || s.back() == '.' || s.front() == '-') return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Status CheckHostNames(const std::vector<std::string>& hosts) {
  if (hosts.empty()) return Status::Invalid("a server certificate needs at least one host name or IP address");
  for (const std::string& h : hosts) {
    if (!IsIpLiteral(h) && !IsDnsName(h))
      return Status::Invalid("'" + h + "' is neither an IP address nor a valid DNS name");
  }
  return Status::Ok();
}

Result<GeneralNamesPtr> MakeGeneralNames(const std::vector<std::string>& hosts) {
  GeneralNamesPtr gens(sk_GENERAL_NAME_new_null());
  if (!gens) return Status::Internal("out of memory");
  for (const std::string& h : hosts) {
    GENERAL_NAME* gn = GENERAL_NAME_new();
    if (!gn) return Status::Internal("out of memory");
    if (IsIpLiteral(h)) {
      ASN1_OCTET_STRING* ip = a2i_IPADDRESS(h.c_str());
      if (!ip) {
        GENERAL_NAME_free(gn);
        return Status::Invalid("cannot encode IP address '" + h + "'");
      }
      GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
    } else {
      ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
      if (!dns || ASN1_STRING_set(dns, h.data(), static_cast<int>(h.size())) != 1) {
        ASN1_IA5STRING_free(dns);
        GENERAL_NAME_free(gn);
        return Status::Internal("out of memory");
      }
      GENERAL_NAME_set0_value(gn, GEN_DNS, dns);
    }
    if (sk_GENERAL_NAME_push(gens.get(), gn) <= 0) {
      GENERAL_NAME_free(gn);
      return Status::Internal("out of memory");
    }
  }
  return gens;
}

Result<std::vector<std::string>> HostNamesOf(const GENERAL_NAMES* names) {
  std::vector<std::string> out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type == GEN_DNS) {
      const ASN1_IA5STRING* s = gn->d.dNSName;
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<size_t>(ASN1_STRING_length(s)));
    } else if (gn->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = gn->d.iPAddress;
      const int len = ASN1_STRING_length(ip);
      char text[INET6_ADDRSTRLEN] = {};
      if ((len != 4 && len != 16) ||
          !inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), text, sizeof(text)))
        return Status::Invalid("subjectAltName holds an IP address of " + std::to_string(len) + " bytes");
      out.emplace_back(text);
    } else {
      return Status::Invalid("subjectAltName holds an entry that is neither a DNS name nor an IP address");
    }
  }
  return out;
}

}  // namespace wardsync::crypto

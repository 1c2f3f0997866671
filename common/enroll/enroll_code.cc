#include "common/enroll/enroll_code.h"

#include <openssl/evp.h>

#include <cctype>

#include "common/crypto/digest.h"
#include "common/forms/utf8.h"
#include "common/net/server_list.h"

namespace wardsync::enroll {
namespace {

constexpr size_t kFingerprintBytes = 32;
constexpr size_t kSecretBytes = 16;
constexpr size_t kCheckBytes = 4;
constexpr size_t kMinBinary = kFingerprintBytes + kSecretBytes + 1 + kCheckBytes;
constexpr std::string_view kCheckDomain = "WS1";

Status Malformed() { return Status::Invalid("enrollment code is malformed"); }
Status BadChecksum() { return Status::Invalid("enrollment code checksum does not match (typo?)"); }

std::string Check(std::string_view body) {
  std::string data(kCheckDomain);
  data.append(body);
  return crypto::Sha256(data).substr(0, kCheckBytes);
}

std::string Base64UrlEncode(std::string_view bin) {
  std::string out(4 * ((bin.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bin.data()), static_cast<int>(bin.size()));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

bool Base64UrlDecode(std::string_view text, std::string* out) {
  if (text.size() % 4 == 1) return false;
  std::string b64(text);
  for (char& c : b64) {
    if (c == '-') {
      c = '+';
    } else if (c == '_') {
      c = '/';
    } else if (!std::isalnum(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  size_t pad = (4 - b64.size() % 4) % 4;
  b64.append(pad, '=');
  out->assign(3 * b64.size() / 4 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out->data()),
                          reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0 || static_cast<size_t>(n) < pad) return false;
  out->resize(static_cast<size_t>(n) - pad);  // EVP_DecodeBlock counts the padding as zero bytes
  return true;
}

bool ValidServer(const std::string& server) {
  return server.empty() || (server.size() <= 255 && net::ParseServerList(server).ok());
}

}  // namespace

std::string EncodeEnrollCode(const EnrollCode& code) {
  if (code.ca_fingerprint.size() != kFingerprintBytes || code.secret.size() != kSecretBytes ||
      !ValidServer(code.server))
    return {};
  std::string bin;
  bin.reserve(kMinBinary + code.server.size());
  bin.append(code.ca_fingerprint).append(code.secret);
  bin.push_back(static_cast<char>(code.server.size()));
  bin.append(code.server);
  bin.append(Check(bin));
  return std::string(kEnrollCodePrefix) + Base64UrlEncode(bin);
}

Result<EnrollCode> DecodeEnrollCode(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) s.push_back(c);
  }
  // "WS<version>-<base64url>"
  if (s.size() < 3 || std::toupper(static_cast<unsigned char>(s[0])) != 'W' ||
      std::toupper(static_cast<unsigned char>(s[1])) != 'S')
    return Malformed();
  size_t dash = s.find('-', 2);
  if (dash == std::string::npos || dash == 2) return Malformed();
  for (size_t i = 2; i < dash; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return Malformed();
  }
  if (std::string_view(s).substr(2, dash - 2) != "1") return Status::Invalid("unsupported enrollment code version");

  std::string_view body = std::string_view(s).substr(dash + 1);
  std::string bin;
  if (!Base64UrlDecode(body, &bin)) return Malformed();
  // A changed character that only touches the unused low bits of the last
  // symbol decodes to the same bytes: only the canonical spelling is accepted.
  if (Base64UrlEncode(bin) != body) return BadChecksum();
  // A code a few characters short was most likely mistyped; much shorter is not a code.
  if (bin.size() < kMinBinary) return bin.size() + 8 < kMinBinary ? Malformed() : BadChecksum();
  std::string_view data = std::string_view(bin).substr(0, bin.size() - kCheckBytes);
  if (!crypto::SecureEqual(Check(data), std::string_view(bin).substr(data.size()))) return BadChecksum();

  EnrollCode code;
  code.ca_fingerprint = bin.substr(0, kFingerprintBytes);
  code.secret = bin.substr(kFingerprintBytes, kSecretBytes);
  size_t server_len = static_cast<unsigned char>(bin[kFingerprintBytes + kSecretBytes]);
  if (data.size() != kFingerprintBytes + kSecretBytes + 1 + server_len) return Malformed();
  code.server = bin.substr(kFingerprintBytes + kSecretBytes + 1, server_len);
  if (!ValidServer(code.server)) return Malformed();
  return code;
}

Status CheckDeviceLabel(std::string_view label) {
  if (label.size() > kMaxDeviceLabelBytes) {
    return Status::Invalid("the device label is " + std::to_string(label.size()) + " bytes long; at most " +
                           std::to_string(kMaxDeviceLabelBytes) + " are allowed");
  }
  if (!forms_util::IsValidUtf8(label)) return Status::Invalid("the device label is not valid UTF-8");
  return Status::Ok();
}

}  // namespace wardsync::enroll

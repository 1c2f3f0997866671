#include "bench/loadgen/fleet_file.h"

#include <fstream>
#include <sstream>

#include "common/crypto/digest.h"
#include "common/util/files.h"

namespace wardsync::bench {

Status WriteFleetFile(const std::string& path, const Fleet& fleet) {
  std::ostringstream out;
  out << "server " << fleet.server << "\n";
  out << "ca " << fleet.ca_path << "\n";
  out << "forms_epoch " << fleet.forms_epoch << "\n";
  out << "officer " << fleet.officer << "\n";
  for (const auto& c : fleet.templates) out << "change " << crypto::Hex(c.SerializeAsString()) << "\n";
  for (const auto& d : fleet.devices) out << "device " << d.id << " " << d.ward << "\n" << d.key.ToPem();
  return util::WriteFileAtomic(path, out.str(), 0600);
}

Result<Fleet> ReadFleetFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read the fleet file " + path);
  Fleet fleet;
  std::string line;
  size_t n = 0;
  auto bad = [&](const std::string& why) {
    return Status::Invalid(path + ":" + std::to_string(n) + ": " + why);
  };
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    const auto sp = line.find(' ');
    const std::string word = line.substr(0, sp);
    const std::string rest = sp == std::string::npos ? "" : line.substr(sp + 1);
    if (word == "server") {
      fleet.server = rest;
    } else if (word == "ca") {
      fleet.ca_path = rest;
    } else if (word == "forms_epoch") {
      fleet.forms_epoch = std::strtoull(rest.c_str(), nullptr, 10);
    } else if (word == "officer") {
      fleet.officer = rest;
    } else if (word == "change") {
      std::string bytes;
      wardsync::changes::Change c;
      if (!crypto::FromHex(rest, &bytes) || !c.ParseFromString(bytes)) return bad("a change that is not a serialized Change");
      fleet.templates.push_back(std::move(c));
    } else if (word == "device") {
      std::istringstream words(rest);
      std::string id, ward;
      if (!(words >> id >> ward)) return bad("device needs an id and a ward");
      std::string pem;
      while (std::getline(in, line)) {
        ++n;
        pem += line + "\n";
        if (line.rfind("-----END", 0) == 0) break;
      }
      auto key = crypto::PrivateKey::FromPem(pem);
      if (!key.ok()) return bad("device " + id + ": " + key.status().message());
      fleet.devices.push_back(FleetDevice{id, ward, std::move(key).value()});
    } else {
      return bad("unknown item " + word);
    }
  }
  if (fleet.server.empty() || fleet.ca_path.empty()) return Status::Invalid(path + ": no server or ca line");
  if (fleet.templates.empty()) return Status::Invalid(path + ": no change template");
  return fleet;
}

}  // namespace wardsync::bench

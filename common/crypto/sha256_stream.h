// SHA-256 over data that arrives in pieces (OpenSSL EVP), for files too big
// to hold in memory (backups).
#pragma once
#include <memory>
#include <string>
#include <string_view>

namespace wardsync::crypto {

class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(std::string_view data);
  // 32 raw bytes; the stream is done after this.
  std::string Finish();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

}  // namespace wardsync::crypto

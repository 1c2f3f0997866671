#include "server/dashboard/qr_svg.h"

#include <qrencode.h>

#include <memory>

namespace wardsync::server::dashboard {

Result<std::string> QrSvg(const std::string& text) {
  std::unique_ptr<QRcode, void (*)(QRcode*)> qr(QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M),
                                                 QRcode_free);
  if (!qr) return Status::Invalid("the code is too long for a QR code");
  constexpr int kQuiet = 4;
  const int w = qr->width;
  const int size = w + 2 * kQuiet;
  std::string path;
  for (int y = 0; y < w; ++y) {
    for (int x = 0; x < w; ++x) {
      if (qr->data[y * w + x] & 1) {
        path += "M" + std::to_string(x + kQuiet) + " " + std::to_string(y + kQuiet) + "h1v1h-1z";
      }
    }
  }
  const std::string s = std::to_string(size);
  return "<svg id=\"enroll-qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + s + " " + s +
         "\" width=\"" + std::to_string(size * 6) + "\" height=\"" + std::to_string(size * 6) +
         "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR\"><rect width=\"" + s + "\" height=\"" + s +
         "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

}  // namespace wardsync::server::dashboard

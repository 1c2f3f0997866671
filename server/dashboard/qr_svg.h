// An enrollment code as a QR code, drawn as SVG from libqrencode's module
// matrix (no image library, nothing loaded by the page).
#pragma once
#include <string>

#include "common/status.h"

namespace wardsync::server::dashboard {

// An <svg id="enroll-qr"> element: one path of dark squares on white, a
// 4-module quiet zone, error correction level M.
Result<std::string> QrSvg(const std::string& text);

}  // namespace wardsync::server::dashboard

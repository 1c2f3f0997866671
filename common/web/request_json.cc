#include "common/web/request_json.h"

#include <google/protobuf/util/json_util.h>

namespace wardsync::web {

Result<google::protobuf::Struct> ParseJsonObject(const std::string& body) {
  google::protobuf::Struct s;
  if (body.empty()) return Status::Invalid("the request body is empty; expected a JSON object");
  auto st = google::protobuf::util::JsonStringToMessage(body, &s);
  if (!st.ok()) return Status::Invalid("the request body is not a JSON object: " + std::string(st.message()));
  return s;
}

std::string CommandErrorText(std::string err) {
  if (err.rfind("error: ", 0) == 0) err.erase(0, 7);
  while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
  return err;
}

}  // namespace wardsync::web

#include "client/ui/changed_since.h"

#include <algorithm>
#include <vector>

#include "common/forms/value_text.h"
#include "common/render/record_render.h"

namespace wardsync::client::ui {

void ChangedSinceJson(const wardsync::records::RecordState& r, const std::string& device_id, util::JsonWriter& w) {
  w.BeginArray();
  if (r.has_created() && r.created().change().device_id() == device_id) {
    std::vector<std::pair<std::string, const wardsync::records::FieldState*>> changed;
    for (const auto& [name, fs] : r.fields()) {
      const auto& by = fs.stamp().change().device_id();
      if (!by.empty() && by != device_id) changed.emplace_back(name, &fs);
    }
    std::sort(changed.begin(), changed.end(), [](const auto& a, const auto& b) {
      return a.second->stamp().hlc() != b.second->stamp().hlc() ? a.second->stamp().hlc() > b.second->stamp().hlc()
                                                                : a.first < b.first;
    });
    for (const auto& [name, fs] : changed) {
      std::string value = "null";
      if (fs->has_value()) {
        value.clear();
        forms_util::AppendValueJson(fs->value(), &value);
      }
      w.BeginObject().Key("field").String(name).Key("value").Raw(value);
      w.Key("device").String(fs->stamp().change().device_id()).Key("officer").String(fs->stamp().officer());
      w.Key("hlc").Uint(fs->stamp().hlc()).Key("time").String(render::HlcTime(fs->stamp().hlc()));
      w.EndObject();
    }
  }
  w.EndArray();
}

}  // namespace wardsync::client::ui

// The data proxy's execution-data calls: GetData for flyte:// URLs (what FlyteRemote.get and the
// console resolve) and CreateDownloadLink for decks. Both read what the engine recorded.
#include <google/protobuf/util/time_util.h>

#include "admin/data_proxy_service.h"
#include "admin/validation.h"

namespace flyte::admin {
namespace {

// flyte://v1/<project>/<domain>/<execution>/<node>[/<attempt>]/<i|o|d>, as FlyteAdmin builds them.
struct FlyteUrl {
  flyteidl::core::NodeExecutionIdentifier node;
  std::optional<uint32_t> attempt;
  char kind = 'o';
};

StatusOr<FlyteUrl> ParseFlyteUrl(const std::string& url) {
  constexpr std::string_view kPrefix = "flyte://v1/";
  auto bad = [&] {
    return absl::InvalidArgumentError("\"" + url +
                                      "\" is not a flyte://v1/<project>/<domain>/<execution>/<node>"
                                      "[/<attempt>]/<i|o|d> URL");
  };
  if (url.rfind(kPrefix, 0) != 0) return bad();
  std::vector<std::string> parts;
  for (size_t start = kPrefix.size(); start <= url.size();) {
    size_t end = url.find('/', start);
    if (end == std::string::npos) end = url.size();
    parts.push_back(url.substr(start, end - start));
    start = end + 1;
  }
  if (parts.size() != 5 && parts.size() != 6) return bad();
  for (const auto& part : parts) {
    if (part.empty()) return bad();
  }
  FlyteUrl out;
  auto* execution = out.node.mutable_execution_id();
  execution->set_project(parts[0]);
  execution->set_domain(parts[1]);
  execution->set_name(parts[2]);
  out.node.set_node_id(parts[3]);
  if (parts.size() == 6) {
    if (parts[4].find_first_not_of("0123456789") != std::string::npos) return bad();
    out.attempt = static_cast<uint32_t>(std::stoul(parts[4]));
  }
  const std::string& kind = parts.back();
  if (kind != "i" && kind != "o" && kind != "d") return bad();
  out.kind = kind[0];
  return out;
}

}  // namespace

Status DataProxyService::DeckLink(const flyteidl::core::NodeExecutionIdentifier& id,
                                  const google::protobuf::Duration& ttl, flyteidl::service::PreSignedURLs* out) {
  flyteidl::admin::NodeExecutionGetRequest get;
  *get.mutable_id() = id;
  flyteidl::admin::NodeExecution node;
  RETURN_IF_ERROR(node_executions_.GetNodeExecution(get, &node));
  if (node.closure().deck_uri().empty()) {
    return absl::NotFoundError("node " + id.node_id() + " of execution " + id.execution_id().name() + " has no deck");
  }
  ASSIGN_OR_RETURN(std::string key, deps_.blobs.KeyOf(node.closure().deck_uri()));
  const auto lifetime = ttl.seconds() > 0 ? std::chrono::seconds(ttl.seconds()) : deps_.config.signed_url_ttl;
  SignedUrl url = deps_.signer.Sign("GET", key, lifetime, "");
  out->add_signed_url(url.url);
  *out->mutable_expires_at() = google::protobuf::util::TimeUtil::SecondsToTimestamp(url.expires_at);
  return absl::OkStatus();
}

Status DataProxyService::CreateDownloadLink(const flyteidl::service::CreateDownloadLinkRequest& request,
                                            flyteidl::service::CreateDownloadLinkResponse* response) {
  if (request.artifact_type() != flyteidl::service::ARTIFACT_TYPE_DECK) {
    return absl::InvalidArgumentError("only ARTIFACT_TYPE_DECK download links are supported");
  }
  if (!request.has_node_execution_id()) return absl::InvalidArgumentError("missing node_execution_id");
  return DeckLink(request.node_execution_id(), request.expires_in(), response->mutable_pre_signed_urls());
}

Status DataProxyService::GetData(const flyteidl::service::GetDataRequest& request,
                                 flyteidl::service::GetDataResponse* response) {
  ASSIGN_OR_RETURN(FlyteUrl url, ParseFlyteUrl(request.flyte_url()));
  if (url.kind == 'd') return DeckLink(url.node, {}, response->mutable_pre_signed_urls());
  const bool inputs = url.kind == 'i';
  if (!url.attempt) {
    flyteidl::admin::NodeExecutionGetDataRequest get;
    *get.mutable_id() = url.node;
    flyteidl::admin::NodeExecutionGetDataResponse data;
    RETURN_IF_ERROR(node_executions_.GetNodeExecutionData(get, &data));
    *response->mutable_literal_map() = inputs ? data.full_inputs() : data.full_outputs();
    return absl::OkStatus();
  }
  // An attempt: find its task id, then read that attempt's data.
  flyteidl::admin::TaskExecutionListRequest list;
  *list.mutable_node_execution_id() = url.node;
  list.set_filters("eq(retry_attempt," + std::to_string(*url.attempt) + ")");
  list.set_limit(1);
  flyteidl::admin::TaskExecutionList attempts;
  RETURN_IF_ERROR(node_executions_.ListTaskExecutions(list, &attempts));
  if (attempts.task_executions().empty()) {
    return absl::NotFoundError("attempt " + std::to_string(*url.attempt) + " of node " + url.node.node_id() +
                               " not found");
  }
  flyteidl::admin::TaskExecutionGetDataRequest get;
  *get.mutable_id() = attempts.task_executions(0).id();
  flyteidl::admin::TaskExecutionGetDataResponse data;
  RETURN_IF_ERROR(node_executions_.GetTaskExecutionData(get, &data));
  *response->mutable_literal_map() = inputs ? data.full_inputs() : data.full_outputs();
  return absl::OkStatus();
}

}  // namespace flyte::admin

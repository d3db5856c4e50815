#include "server/s3/endpoint.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <ctime>
#include <map>
#include <optional>

#include "common/url.h"
#include "server/byte_range.h"
#include "server/offload.h"
#include "server/s3/s3_error.h"
#include "server/s3/upload.h"
#include "server/s3/xml.h"

namespace flyte::server::s3 {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// S3's largest single PUT (and part) is 5 GiB; aws-chunked framing adds well under 1% to it.
constexpr int64_t kMaxObjectBodyBytes = (int64_t{5} << 30) + (int64_t{64} << 20);
// CompleteMultipartUpload of 10,000 parts and DeleteObjects of 1,000 keys fit well within this.
constexpr int64_t kMaxXmlBodyBytes = int64_t{4} << 20;
constexpr std::chrono::seconds kWriteTimeout{120};

using Query = std::multimap<std::string, std::string>;

// One request, parsed: its bucket and key (decoded), query, and the headers.
struct S3Request {
  http::verb verb;
  std::string bucket;
  std::string key;
  Query query;
  std::string resource;  // "/bucket/key", for error replies
  SignedRequest signed_request;
  bool keep_alive = true;

  bool Has(const std::string& name) const { return query.count(name) > 0; }
  std::string Param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? "" : it->second;
  }
  std::string Header(std::string_view lower_name) const {
    for (const auto& [name, value] : signed_request.headers) {
      if (beast::iequals(name, beast::string_view(lower_name.data(), lower_name.size()))) return value;
    }
    return "";
  }
};

// What a request is answered with when it is not a file: a status, S3's headers, an XML body.
struct S3Reply {
  int status = 200;
  std::string body;  // XML, or empty
  HeaderList headers;
};

S3Reply ErrorReply(const Status& status, const S3Request& request, const HttpExchange& exchange) {
  const S3ErrorReply error = ToS3Error(status);
  return {error.http_status, ErrorXml(error, request.resource, exchange.request_id), {}};
}

asio::awaitable<bool> Write(HttpStream& stream, S3Reply reply, const S3Request& request, HttpExchange& exchange) {
  http::response<http::string_body> response{static_cast<http::status>(reply.status), exchange.version};
  response.set(http::field::server, "flyte-sandbox");
  response.set("x-amz-request-id", exchange.request_id);
  if (!reply.body.empty()) response.set(http::field::content_type, "application/xml");
  for (const auto& [name, value] : reply.headers) response.set(name, value);
  response.keep_alive(request.keep_alive);
  if (request.verb == http::verb::head) {
    // A HEAD reply says the length a GET's body would have; it has none.
    if (response.find(http::field::content_length) == response.end()) response.content_length(0);
  } else {
    response.body() = std::move(reply.body);
    response.prepare_payload();
  }
  exchange.Stamp(response);
  stream.expires_after(kWriteTimeout);
  boost::system::error_code ec;
  if (request.verb == http::verb::head) {
    http::response_serializer<http::string_body> serializer{response};
    co_await http::async_write_header(stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return !ec && request.keep_alive;
}

HeaderList ObjectHeaders(const store::ObjectInfo& info) {
  return {{"ETag", ETagOf(info)}, {"Last-Modified", HttpDate(info.modified_ns)}};
}

StatusOr<S3Request> Parse(const HeaderParser& header) {
  const auto& message = header.get();
  S3Request request;
  request.verb = message.method();
  request.keep_alive = message.keep_alive();
  const std::string target(message.target());
  const size_t question = target.find('?');
  request.signed_request.method = std::string(message.method_string());
  request.signed_request.path = target.substr(0, question);
  request.signed_request.query = question == std::string::npos ? "" : target.substr(question + 1);
  for (const auto& field : message) {
    request.signed_request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  ASSIGN_OR_RETURN(std::string path, PercentDecode(request.signed_request.path));
  if (path.empty() || path.front() != '/') {
    return S3Error(absl::StatusCode::kInvalidArgument, "InvalidRequest", "the path must start with /");
  }
  request.resource = path;
  const size_t slash = path.find('/', 1);
  request.bucket = path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
  if (slash != std::string::npos) request.key = path.substr(slash + 1);
  ASSIGN_OR_RETURN(request.query, ParseQuery(request.signed_request.query));
  return request;
}

// The blocking half of the operations without a body to read or a file to send.
class Operations {
 public:
  Operations(const S3Service& service, const S3Request& request, const HttpExchange& exchange)
      : objects_(service.objects), request_(request), exchange_(exchange) {}

  S3Reply Run() {
    auto reply = Dispatch();
    return reply.ok() ? *std::move(reply) : ErrorReply(reply.status(), request_, exchange_);
  }

 private:
  StatusOr<S3Reply> Dispatch() {
    const http::verb verb = request_.verb;
    if (request_.bucket.empty()) {
      if (verb != http::verb::get) return NotAllowed();
      ASSIGN_OR_RETURN(const std::vector<std::string> buckets, objects_.ListBuckets());
      return S3Reply{200, ListBucketsXml(buckets, started_ns_), {}};
    }
    if (request_.key.empty()) return Bucket(verb);
    if (verb == http::verb::head) {
      ASSIGN_OR_RETURN(const store::ObjectInfo info, objects_.Head(request_.bucket, request_.key));
      HeaderList headers = ObjectHeaders(info);
      headers.emplace_back("Content-Length", std::to_string(info.size));
      headers.emplace_back("Content-Type", "application/octet-stream");
      headers.emplace_back("Accept-Ranges", "bytes");
      return S3Reply{200, "", std::move(headers)};
    }
    if (verb == http::verb::delete_) {
      if (request_.Has("uploadId")) {
        RETURN_IF_ERROR(objects_.AbortMultipart(request_.bucket, request_.key, request_.Param("uploadId")));
      } else {
        RETURN_IF_ERROR(objects_.Delete(request_.bucket, request_.key));
      }
      return S3Reply{204, "", {}};
    }
    if (verb == http::verb::get && request_.Has("uploadId")) {
      ASSIGN_OR_RETURN(const std::vector<PartInfo> parts,
                       objects_.ListParts(request_.bucket, request_.key, request_.Param("uploadId")));
      return S3Reply{200, ListPartsXml(request_.bucket, request_.key, request_.Param("uploadId"), parts), {}};
    }
    if (verb == http::verb::post && request_.Has("uploads")) {
      ASSIGN_OR_RETURN(const std::string upload_id, objects_.CreateMultipart(request_.bucket, request_.key));
      return S3Reply{200, InitiateMultipartXml(request_.bucket, request_.key, upload_id), {}};
    }
    if (verb == http::verb::put && !request_.Header("x-amz-copy-source").empty()) return Copy();
    return NotAllowed();
  }

  StatusOr<S3Reply> Bucket(http::verb verb) {
    const std::string& bucket = request_.bucket;
    switch (verb) {
      case http::verb::put:
        RETURN_IF_ERROR(objects_.CreateBucket(bucket));
        return S3Reply{200, "", HeaderList{std::make_pair(std::string("Location"), "/" + bucket)}};
      case http::verb::head:
        RETURN_IF_ERROR(objects_.HeadBucket(bucket));
        return S3Reply{200, "", {}};
      case http::verb::delete_:
        RETURN_IF_ERROR(objects_.DeleteBucket(bucket));
        return S3Reply{204, "", {}};
      case http::verb::get:
        if (request_.Has("location")) {
          RETURN_IF_ERROR(objects_.HeadBucket(bucket));
          return S3Reply{200,
                         "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint "
                         "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></LocationConstraint>",
                         {}};
        }
        if (request_.Has("uploads") || request_.Has("versioning") || request_.Has("policy") || request_.Has("acl") ||
            request_.Has("tagging") || request_.Has("lifecycle") || request_.Has("cors")) {
          return S3Error(absl::StatusCode::kUnimplemented, "NotImplemented",
                         "This sandbox's S3 endpoint does not implement this bucket subresource.");
        }
        return List();
      default:
        return NotAllowed();
    }
  }

  StatusOr<S3Reply> List() {
    ListRequest list;
    list.bucket = request_.bucket;
    list.v2 = request_.Param("list-type") == "2";
    list.url_encoded = request_.Param("encoding-type") == "url";
    list.params.prefix = request_.Param("prefix");
    list.params.delimiter = request_.Param("delimiter");
    if (request_.Has("max-keys")) {
      const std::string text = request_.Param("max-keys");
      int max_keys = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), max_keys);
      if (ec != std::errc() || end != text.data() + text.size() || max_keys < 0) {
        return S3Error(absl::StatusCode::kInvalidArgument, "InvalidArgument", "max-keys must be a number");
      }
      list.params.max_keys = std::min(max_keys, 1000);
    }
    if (list.v2) {
      list.continuation = request_.Param("continuation-token");
      list.start_after = request_.Param("start-after");
      if (!list.continuation.empty()) {
        auto marker = Base64Decode(list.continuation);
        if (!marker.ok()) {
          return S3Error(absl::StatusCode::kInvalidArgument, "InvalidArgument",
                         "The continuation token provided is incorrect");
        }
        list.params.after = *std::move(marker);
      } else {
        list.params.after = list.start_after;
      }
    } else {
      list.marker = request_.Param("marker");
      list.params.after = list.marker;
    }
    ASSIGN_OR_RETURN(const ListPage page, objects_.List(request_.bucket, list.params));
    return S3Reply{200, ListObjectsXml(list, page, page.truncated ? Base64Encode(page.next_marker) : ""), {}};
  }

  // x-amz-copy-source: "/bucket/key" or "bucket/key", percent-encoded, maybe "?versionId=".
  StatusOr<S3Reply> Copy() {
    std::string source = request_.Header("x-amz-copy-source");
    source = source.substr(0, source.find('?'));
    ASSIGN_OR_RETURN(source, PercentDecode(source));
    if (!source.empty() && source.front() == '/') source.erase(0, 1);
    const size_t slash = source.find('/');
    if (slash == std::string::npos) {
      return S3Error(absl::StatusCode::kInvalidArgument, "InvalidArgument",
                     "x-amz-copy-source must be /<bucket>/<key>");
    }
    if (request_.Has("uploadId")) {
      return S3Error(absl::StatusCode::kUnimplemented, "NotImplemented", "UploadPartCopy is not implemented here.");
    }
    ASSIGN_OR_RETURN(const store::ObjectInfo copied,
                     objects_.Copy(source.substr(0, slash), source.substr(slash + 1), request_.bucket, request_.key));
    return S3Reply{200, CopyObjectXml(copied, false), {}};
  }

  StatusOr<S3Reply> NotAllowed() {
    return S3Error(absl::StatusCode::kUnimplemented, "MethodNotAllowed",
                   "The specified method is not allowed against this resource.");
  }

  Objects& objects_;
  const S3Request& request_;
  const HttpExchange& exchange_;
  const int64_t started_ns_ = static_cast<int64_t>(std::time(nullptr)) * 1'000'000'000;
};

// Reads a request's whole body within `limit`, through an Upload (aws-chunked, checksums).
asio::awaitable<StatusOr<std::string>> ReadSmallBody(HttpStream& stream, beast::flat_buffer& buffer,
                                                     HeaderParser& header, const UploadClaims& claims,
                                                     const S3Service& service, bool& connection_ok) {
  std::string body;
  Upload upload(claims, [&body](std::string_view bytes) {
    if (body.size() + bytes.size() > static_cast<size_t>(kMaxXmlBodyBytes)) {
      return S3Error(absl::StatusCode::kInvalidArgument, "EntityTooLarge", "the request body is too large");
    }
    body.append(bytes);
    return absl::OkStatus();
  });
  BodyOutcome outcome = co_await ReadBodyInto(stream, buffer, header, kMaxXmlBodyBytes * 2, upload, service.blocking);
  connection_ok = outcome.connection_ok;
  if (!outcome.status.ok()) co_return outcome.status;
  auto finished = upload.Finish();
  if (!finished.ok()) co_return finished.status();
  co_return body;
}

// POST ?delete: DeleteObjects. POST ?uploadId: CompleteMultipartUpload.
StatusOr<S3Reply> PostWithBody(const S3Service& service, const S3Request& request, const std::string& body) {
  if (request.Has("delete") && request.key.empty()) {
    ASSIGN_OR_RETURN(const std::vector<std::string> objects, ElementBodies(body, "Object"));
    ASSIGN_OR_RETURN(const std::vector<std::string> quiet, ElementTexts(body, "Quiet"));
    if (objects.size() > 1000) {
      return S3Error(absl::StatusCode::kInvalidArgument, "MalformedXML", "at most 1000 keys may be deleted at once");
    }
    std::vector<std::string> deleted;
    std::vector<DeleteFailure> failures;
    for (const std::string& object : objects) {
      ASSIGN_OR_RETURN(const std::vector<std::string> keys, ElementTexts(object, "Key"));
      if (keys.size() != 1) return S3Error(absl::StatusCode::kInvalidArgument, "MalformedXML", "an Object has no Key");
      Status status = service.objects.Delete(request.bucket, keys[0]);
      if (status.ok()) {
        if (quiet.empty() || quiet[0] != "true") deleted.push_back(keys[0]);
      } else {
        failures.push_back({keys[0], ToS3Error(status)});
      }
    }
    return S3Reply{200, DeleteResultXml(deleted, failures), {}};
  }
  if (request.Has("uploadId") && !request.key.empty()) {
    ASSIGN_OR_RETURN(const std::vector<std::string> part_bodies, ElementBodies(body, "Part"));
    std::vector<CompletedPart> parts;
    for (const std::string& part : part_bodies) {
      ASSIGN_OR_RETURN(const std::vector<std::string> numbers, ElementTexts(part, "PartNumber"));
      ASSIGN_OR_RETURN(const std::vector<std::string> etags, ElementTexts(part, "ETag"));
      int number = 0;
      if (numbers.size() != 1 || etags.size() != 1 ||
          std::from_chars(numbers[0].data(), numbers[0].data() + numbers[0].size(), number).ec != std::errc()) {
        return S3Error(absl::StatusCode::kInvalidArgument, "MalformedXML", "a Part needs a PartNumber and an ETag");
      }
      parts.push_back({number, etags[0]});
    }
    ASSIGN_OR_RETURN(const std::string etag,
                     service.objects.CompleteMultipart(request.bucket, request.key, request.Param("uploadId"), parts));
    return S3Reply{200, CompleteMultipartXml(request.bucket, request.key, etag), {}};
  }
  return S3Error(absl::StatusCode::kUnimplemented, "MethodNotAllowed",
                 "The specified method is not allowed against this resource.");
}

// PUT of an object or a part: the body streams into a writer, committed once every check passes.
asio::awaitable<bool> ServePut(HttpStream& stream, beast::flat_buffer& buffer, HeaderParser& header,
                               const S3Service& service, const S3Request& request, const UploadClaims& claims,
                               HttpExchange& exchange) {
  const bool part = request.Has("uploadId") || request.Has("partNumber");
  const std::function<StatusOr<std::unique_ptr<store::BlobWriter>>()> open = [&]() {
    if (!part) return service.objects.NewWriter(request.bucket, request.key);
    const std::string text = request.Param("partNumber");
    int number = 0;
    if (std::from_chars(text.data(), text.data() + text.size(), number).ec != std::errc()) number = 0;
    return service.objects.NewPartWriter(request.bucket, request.key, request.Param("uploadId"), number);
  };
  StatusOr<std::unique_ptr<store::BlobWriter>> writer = co_await Offload(service.blocking, open);
  const bool expects_continue = beast::iequals(request.Header("expect"), "100-continue");
  if (!writer.ok()) {
    // A client waiting for "100 Continue" has not sent the body: answer and close.
    if (expects_continue) {
      S3Request closing = request;
      closing.keep_alive = false;
      co_return co_await Write(stream, ErrorReply(writer.status(), request, exchange), closing, exchange);
    }
    BodyOutcome drained = co_await DiscardBody(stream, buffer, header, kMaxObjectBodyBytes);
    if (!drained.connection_ok) co_return false;
    co_return co_await Write(stream, ErrorReply(writer.status(), request, exchange), request, exchange);
  }
  if (expects_continue) {
    http::response<http::empty_body> proceed{http::status::continue_, exchange.version};
    boost::system::error_code ec;
    co_await http::async_write(stream, proceed, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
  }
  store::BlobWriter& sink = **writer;
  Upload upload(claims, [&sink](std::string_view bytes) { return sink.Append(bytes); });
  BodyOutcome outcome = co_await ReadBodyInto(stream, buffer, header, kMaxObjectBodyBytes, upload, service.blocking);
  if (!outcome.connection_ok) {
    if (absl::IsResourceExhausted(outcome.status)) {
      S3Request closing = request;
      closing.keep_alive = false;
      const Status too_large =
          S3Error(absl::StatusCode::kInvalidArgument, "EntityTooLarge",
                  "Your proposed upload exceeds the maximum allowed object size (5 GiB a PUT or a part).");
      co_await Write(stream, ErrorReply(too_large, request, exchange), closing, exchange);
    }
    co_return false;
  }
  std::unique_ptr<store::BlobWriter>& taken = *writer;
  const std::function<StatusOr<std::string>()> finish = [&]() -> StatusOr<std::string> {
    RETURN_IF_ERROR(outcome.status);
    ASSIGN_OR_RETURN(const std::string md5, upload.Finish());
    const std::string etag = HexEncode(md5);
    taken->SetTag(etag);
    Status committed = taken->Commit();
    taken.reset();  // an object not committed is gone before the reply says so
    RETURN_IF_ERROR(committed);
    return "\"" + etag + "\"";
  };
  StatusOr<std::string> etag = co_await Offload(service.blocking, finish);
  if (!etag.ok()) co_return co_await Write(stream, ErrorReply(etag.status(), request, exchange), request, exchange);
  S3Reply stored{200, "", {}};
  stored.headers.emplace_back("ETag", *etag);
  co_return co_await Write(stream, std::move(stored), request, exchange);
}

// GET of an object: sent from its file, in part when a Range asks.
asio::awaitable<bool> ServeGet(HttpStream& stream, const S3Service& service, const S3Request& request,
                               HttpExchange& exchange) {
  struct Opened {
    store::ReadableFile file;
    store::ObjectInfo info;
  };
  const std::function<StatusOr<Opened>()> open = [&]() -> StatusOr<Opened> {
    ASSIGN_OR_RETURN(store::ReadableFile file, service.objects.Open(request.bucket, request.key));
    store::ObjectInfo info = store::DescribeFile(file.fd.get(), request.key);
    return Opened{std::move(file), std::move(info)};
  };
  StatusOr<Opened> opened = co_await Offload(service.blocking, open);
  if (!opened.ok()) co_return co_await Write(stream, ErrorReply(opened.status(), request, exchange), request, exchange);
  const std::string range = request.Header("range");
  if (ParseByteRange(range, opened->file.size).kind == ByteRange::Kind::kUnsatisfiable) {
    const Status invalid =
        S3Error(absl::StatusCode::kOutOfRange, "InvalidRange", "The requested range is not satisfiable");
    co_return co_await Write(stream, ErrorReply(invalid, request, exchange), request, exchange);
  }
  HeaderList headers = ObjectHeaders(opened->info);
  headers.emplace_back("x-amz-request-id", exchange.request_id);
  // Named, not a temporary inside the co_await: GCC 12 destroyed that temporary twice (a double
  // free after an S3 GET).
  const FileHeaders file_headers{"application/octet-stream", std::move(headers)};
  co_return co_await SendFile(stream, opened->file, range, file_headers, exchange, request.keep_alive,
                              service.blocking);
}

asio::awaitable<bool> ServeS3(HttpStream& stream, beast::flat_buffer& buffer, HeaderParser& header,
                              const S3Service& service, HttpExchange& exchange) {
  StatusOr<S3Request> parsed = Parse(header);
  S3Request fallback{header.get().method(),    "", "", {}, std::string(header.get().target()), {},
                     header.get().keep_alive()};
  const S3Request& request = parsed.ok() ? *parsed : fallback;
  // Refused before anything is read or opened: a request that does not parse or is not signed.
  StatusOr<VerifiedRequest> verified =
      parsed.ok() ? Verify(parsed->signed_request, service.credentials, std::time(nullptr)) : parsed.status();
  StatusOr<UploadClaims> claims =
      verified.ok() ? UploadClaims::Of(*verified, [&request](std::string_view name) { return request.Header(name); })
                    : verified.status();
  if (!claims.ok()) {
    BodyOutcome drained = co_await DiscardBody(stream, buffer, header, kMaxXmlBodyBytes);
    if (!drained.connection_ok) co_return false;
    co_return co_await Write(stream, ErrorReply(claims.status(), request, exchange), request, exchange);
  }
  const bool object = !request.bucket.empty() && !request.key.empty();
  if (object && request.verb == http::verb::put && request.Header("x-amz-copy-source").empty()) {
    co_return co_await ServePut(stream, buffer, header, service, request, *claims, exchange);
  }
  if (request.verb == http::verb::post && (request.Has("delete") || request.Has("uploadId"))) {
    bool connection_ok = true;
    StatusOr<std::string> body = co_await ReadSmallBody(stream, buffer, header, *claims, service, connection_ok);
    if (!connection_ok) co_return false;
    const std::function<S3Reply()> run = [&]() {
      if (!body.ok()) return ErrorReply(body.status(), request, exchange);
      auto reply = PostWithBody(service, request, *body);
      return reply.ok() ? *std::move(reply) : ErrorReply(reply.status(), request, exchange);
    };
    S3Reply reply = co_await Offload(service.blocking, run);
    co_return co_await Write(stream, std::move(reply), request, exchange);
  }
  BodyOutcome drained = co_await DiscardBody(stream, buffer, header, kMaxXmlBodyBytes);
  if (!drained.connection_ok) co_return false;
  if (object && request.verb == http::verb::get && !request.Has("uploadId")) {
    co_return co_await ServeGet(stream, service, request, exchange);
  }
  Operations operations(service, request, exchange);
  const std::function<S3Reply()> run = [&operations] { return operations.Run(); };
  S3Reply reply = co_await Offload(service.blocking, run);
  co_return co_await Write(stream, std::move(reply), request, exchange);
}

}  // namespace

HttpRequestServer S3Routes(S3Service service) {
  // Not a coroutine itself: the awaitable refers to the captured service, which lives as long as
  // the listener's HttpService.
  return [service](HttpStream& stream, beast::flat_buffer& buffer, HeaderParser& header, HttpExchange& exchange) {
    return ServeS3(stream, buffer, header, service, exchange);
  };
}

}  // namespace flyte::server::s3

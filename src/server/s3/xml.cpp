#include "server/s3/xml.h"

#include <charconv>
#include <cstdio>
#include <ctime>

#include "common/digest.h"
#include "common/url.h"

namespace flyte::server::s3 {
namespace {

constexpr std::string_view kHeader = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr std::string_view kNamespace = " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

std::string Element(std::string_view name, std::string_view text) {
  return "<" + std::string(name) + ">" + XmlEscape(text) + "</" + std::string(name) + ">";
}

std::tm Utc(int64_t ns) {
  const std::time_t seconds = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return tm;
}

Status MalformedXml(std::string_view why) {
  return S3Error(absl::StatusCode::kInvalidArgument, "MalformedXML",
                 "The XML you provided was not well-formed: " + std::string(why));
}

void AppendUtf8(uint32_t code, std::string& out) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

StatusOr<std::string> Unescape(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    const size_t amp = text.find('&');
    out.append(text.substr(0, amp));
    if (amp == std::string_view::npos) break;
    text.remove_prefix(amp + 1);
    const size_t semicolon = text.find(';');
    if (semicolon == std::string_view::npos || semicolon > 10) return MalformedXml("an entity is not closed");
    const std::string_view entity = text.substr(0, semicolon);
    text.remove_prefix(semicolon + 1);
    if (entity == "amp") {
      out.push_back('&');
    } else if (entity == "lt") {
      out.push_back('<');
    } else if (entity == "gt") {
      out.push_back('>');
    } else if (entity == "quot") {
      out.push_back('"');
    } else if (entity == "apos") {
      out.push_back('\'');
    } else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x';
      const std::string_view digits = entity.substr(hex ? 2 : 1);
      uint32_t code = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || code == 0 || code > 0x10FFFF ||
          (code >= 0xD800 && code <= 0xDFFF)) {
        return MalformedXml("a character reference is not a character");
      }
      AppendUtf8(code, out);
    } else {
      return MalformedXml("an unknown entity");
    }
  }
  return out;
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 has no way to write the other control characters, not even as references
        // (a parser refuses "&#0;"): they become U+FFFD.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += "\xEF\xBF\xBD";
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

std::string Iso8601(int64_t ns) {
  const std::tm tm = Utc(ns);
  char text[96];  // room for any int, as the compiler counts
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>((ns / 1'000'000) % 1000));
  return text;
}

std::string HttpDate(int64_t ns) {
  const std::tm tm = Utc(ns);
  char text[40];
  std::strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return text;
}

std::string ETagOf(const store::ObjectInfo& object) {
  if (!object.tag.empty()) return "\"" + object.tag + "\"";
  char text[48];
  std::snprintf(text, sizeof(text), "\"%llx-%llx\"", static_cast<unsigned long long>(object.modified_ns),
                static_cast<unsigned long long>(object.size));
  return text;
}

std::string ErrorXml(const S3ErrorReply& error, std::string_view resource, std::string_view request_id) {
  return std::string(kHeader) + "<Error>" + Element("Code", error.code) + Element("Message", error.message) +
         Element("Resource", resource) + Element("RequestId", request_id) + "</Error>";
}

std::string ListBucketsXml(const std::vector<std::string>& buckets, int64_t created_ns) {
  std::string out = std::string(kHeader) + "<ListAllMyBucketsResult" + std::string(kNamespace) + ">" +
                    "<Owner><ID>flyte-sandbox</ID><DisplayName>flyte-sandbox</DisplayName></Owner><Buckets>";
  for (const std::string& bucket : buckets) {
    out += "<Bucket>" + Element("Name", bucket) + Element("CreationDate", Iso8601(created_ns)) + "</Bucket>";
  }
  return out + "</Buckets></ListAllMyBucketsResult>";
}

std::string ListObjectsXml(const ListRequest& request, const ListPage& page, std::string_view next_token) {
  auto text = [&](std::string_view value) {
    return request.url_encoded ? PercentEncode(value, /*keep_slash=*/true) : std::string(value);
  };
  const ListParams& params = request.params;
  std::string out = std::string(kHeader) + "<ListBucketResult" + std::string(kNamespace) + ">" +
                    Element("Name", request.bucket) + Element("Prefix", text(params.prefix));
  if (!params.delimiter.empty()) out += Element("Delimiter", text(params.delimiter));
  out += Element("MaxKeys", std::to_string(params.max_keys));
  if (request.url_encoded) out += Element("EncodingType", "url");
  out += Element("IsTruncated", page.truncated ? "true" : "false");
  if (request.v2) {
    out += Element("KeyCount", std::to_string(page.contents.size() + page.common_prefixes.size()));
    if (!request.continuation.empty()) out += Element("ContinuationToken", request.continuation);
    if (!request.start_after.empty()) out += Element("StartAfter", text(request.start_after));
    if (page.truncated) out += Element("NextContinuationToken", next_token);
  } else {
    out += Element("Marker", text(request.marker));
    if (page.truncated) out += Element("NextMarker", text(page.next_marker));
  }
  for (const store::ObjectInfo& object : page.contents) {
    out += "<Contents>" + Element("Key", text(object.key)) + Element("LastModified", Iso8601(object.modified_ns)) +
           Element("ETag", ETagOf(object)) + Element("Size", std::to_string(object.size)) +
           Element("StorageClass", "STANDARD") + "</Contents>";
  }
  for (const std::string& prefix : page.common_prefixes) {
    out += "<CommonPrefixes>" + Element("Prefix", text(prefix)) + "</CommonPrefixes>";
  }
  return out + "</ListBucketResult>";
}

std::string InitiateMultipartXml(std::string_view bucket, std::string_view key, std::string_view upload_id) {
  return std::string(kHeader) + "<InitiateMultipartUploadResult" + std::string(kNamespace) + ">" +
         Element("Bucket", bucket) + Element("Key", key) + Element("UploadId", upload_id) +
         "</InitiateMultipartUploadResult>";
}

std::string CompleteMultipartXml(std::string_view bucket, std::string_view key, std::string_view etag) {
  return std::string(kHeader) + "<CompleteMultipartUploadResult" + std::string(kNamespace) + ">" +
         Element("Location", "/" + std::string(bucket) + "/" + std::string(key)) + Element("Bucket", bucket) +
         Element("Key", key) + Element("ETag", etag) + "</CompleteMultipartUploadResult>";
}

std::string CopyObjectXml(const store::ObjectInfo& object, bool part) {
  const std::string root = part ? "CopyPartResult" : "CopyObjectResult";
  return std::string(kHeader) + "<" + root + std::string(kNamespace) + ">" +
         Element("LastModified", Iso8601(object.modified_ns)) + Element("ETag", ETagOf(object)) + "</" + root + ">";
}

std::string DeleteResultXml(const std::vector<std::string>& deleted, const std::vector<DeleteFailure>& failures) {
  std::string out = std::string(kHeader) + "<DeleteResult" + std::string(kNamespace) + ">";
  for (const std::string& key : deleted) out += "<Deleted>" + Element("Key", key) + "</Deleted>";
  for (const DeleteFailure& failure : failures) {
    out += "<Error>" + Element("Key", failure.key) + Element("Code", failure.error.code) +
           Element("Message", failure.error.message) + "</Error>";
  }
  return out + "</DeleteResult>";
}

std::string ListPartsXml(std::string_view bucket, std::string_view key, std::string_view upload_id,
                         const std::vector<PartInfo>& parts) {
  std::string out = std::string(kHeader) + "<ListPartsResult" + std::string(kNamespace) + ">" +
                    Element("Bucket", bucket) + Element("Key", key) + Element("UploadId", upload_id) +
                    Element("MaxParts", "10000") + Element("IsTruncated", "false");
  for (const PartInfo& part : parts) {
    out += "<Part>" + Element("PartNumber", std::to_string(part.number)) +
           Element("LastModified", Iso8601(part.object.modified_ns)) + Element("ETag", ETagOf(part.object)) +
           Element("Size", std::to_string(part.object.size)) + "</Part>";
  }
  return out + "</ListPartsResult>";
}

StatusOr<std::vector<std::string>> ElementBodies(std::string_view xml, std::string_view name) {
  std::vector<std::string> bodies;
  const std::string open = "<" + std::string(name);
  const std::string close = "</" + std::string(name) + ">";
  size_t at = 0;
  while ((at = xml.find(open, at)) != std::string_view::npos) {
    const size_t after_name = at + open.size();
    // "<Name>" or "<Name attr=...>", not "<NameLonger>".
    if (after_name >= xml.size()) return MalformedXml("an element is not closed");
    const char next = xml[after_name];
    if (next != '>' && next != ' ' && next != '\t' && next != '\n' && next != '\r' && next != '/') {
      at = after_name;
      continue;
    }
    const size_t tag_end = xml.find('>', after_name);
    if (tag_end == std::string_view::npos) return MalformedXml("a tag is not closed");
    if (xml[tag_end - 1] == '/') {  // <Name/>
      bodies.emplace_back();
      at = tag_end + 1;
      continue;
    }
    const size_t end = xml.find(close, tag_end + 1);
    if (end == std::string_view::npos) return MalformedXml("<" + std::string(name) + "> is not closed");
    bodies.emplace_back(xml.substr(tag_end + 1, end - tag_end - 1));
    at = end + close.size();
  }
  return bodies;
}

StatusOr<std::vector<std::string>> ElementTexts(std::string_view xml, std::string_view name) {
  ASSIGN_OR_RETURN(std::vector<std::string> bodies, ElementBodies(xml, name));
  for (std::string& body : bodies) {
    ASSIGN_OR_RETURN(body, Unescape(body));
  }
  return bodies;
}

}  // namespace flyte::server::s3

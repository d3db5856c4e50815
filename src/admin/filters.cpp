// Filter grammar and its conversion into store predicates; see filters.h. Semantics follow flyteadmin
// (pkg/manager/impl/util/filters.go, pkg/common/filters.go, pkg/common/sorting.go) except where a
// comment says otherwise.
#include "admin/filters.h"

#include <array>
#include <optional>
#include <utility>

#include "admin/filter_values.h"

namespace flyte::admin {
namespace {

// This absl is built with its own string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), so StrCat and
// StrJoin do not take std::string_view; these two small helpers stand in for them.
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

template <typename Range>
std::string Join(const Range& items, std::string_view separator) {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out.append(separator);
    out.append(std::string_view(item));
    first = false;
  }
  return out;
}

constexpr char kTermSeparator = '+';
constexpr char kValueSeparator = ';';

struct OpSpelling {
  FilterOp op;
  std::string_view name;
};

constexpr std::array<OpSpelling, 10> kOps = {{
    {FilterOp::kEq, "eq"},
    {FilterOp::kNe, "ne"},
    {FilterOp::kGt, "gt"},
    {FilterOp::kGte, "gte"},
    {FilterOp::kLt, "lt"},
    {FilterOp::kLte, "lte"},
    {FilterOp::kContains, "contains"},
    {FilterOp::kNotLike, "not_like"},
    {FilterOp::kValueIn, "value_in"},
    {FilterOp::kValueNotIn, "value_not_in"},
}};

// flyteadmin strips a prefix only when it names one of its entities; any other dotted name is
// looked up whole (and is then normally an unknown field).
constexpr std::array<std::string_view, 13> kEntityPrefixes = {
    "task",           "workflow",       "launch_plan", "execution",
    "node_execution", "task_execution", "entities",    "named_entity_metadata",
    "project",        "signal",         "admin_tag",   "execution_admin_tag",
    "execution_tag",
};

Status BadTerm(std::string_view term, std::string_view why) {
  return absl::InvalidArgumentError(Cat("invalid filter '", term, "': ", why, " (expected op(field,value))"));
}

std::optional<FilterOp> LookupOp(std::string_view name) {
  for (const OpSpelling& spelling : kOps) {
    if (spelling.name == name) return spelling.op;
  }
  return std::nullopt;
}

std::string KnownOpNames() {
  std::vector<std::string_view> names;
  for (const OpSpelling& spelling : kOps) names.push_back(spelling.name);
  return Join(names, ", ");
}

std::vector<std::string> SplitOn(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool IsFieldChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

void SplitEntityPrefix(std::string_view name, Filter& filter) {
  for (std::string_view prefix : kEntityPrefixes) {
    if (name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix && name[prefix.size()] == '.') {
      filter.entity = std::string(prefix);
      filter.field = std::string(name.substr(prefix.size() + 1));
      return;
    }
  }
  filter.field = std::string(name);
}

// Splits on '+' outside parentheses only. flyteadmin splits on every '+', which breaks RFC3339
// offsets ("...T02:00:00+02:00") and values like "a+b"; every term it accepts is split the same here.
std::vector<std::string_view> SplitTerms(std::string_view expression) {
  std::vector<std::string_view> terms;
  size_t start = 0;
  int depth = 0;
  for (size_t i = 0; i < expression.size(); ++i) {
    const char c = expression[i];
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    if (c == kTermSeparator && depth == 0) {
      terms.push_back(expression.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.push_back(expression.substr(start));
  return terms;
}

// The term's first '(' must close at its very end, so "eq(a,b)eq(c,d)" is not read as one term.
Status CheckParentheses(std::string_view term) {
  int depth = 0;
  for (size_t i = 0; i < term.size(); ++i) {
    if (term[i] == '(') ++depth;
    if (term[i] != ')') continue;
    if (--depth < 0) return BadTerm(term, "unbalanced ')'");
    if (depth == 0 && i + 1 != term.size()) return BadTerm(term, "unexpected text after ')'");
  }
  if (depth > 0) return BadTerm(term, "missing closing ')'");
  return absl::OkStatus();
}

// One term. Stricter than flyteadmin's unanchored regex (which ignores text after the last ')'
// and accepts unbalanced parentheses in values), and the field ends at the first comma rather than
// the last, so a value may contain commas (flytectl unescapes "\," into a bare comma).
StatusOr<Filter> ParseTerm(std::string_view term) {
  if (term.empty()) return BadTerm(term, "empty term; terms are joined by a single '+'");
  const size_t open = term.find('(');
  if (open == std::string_view::npos) return BadTerm(term, "missing '('");
  RETURN_IF_ERROR(CheckParentheses(term));
  const std::string_view op_name = term.substr(0, open);
  if (op_name.empty()) return BadTerm(term, "missing operator before '('");
  const std::optional<FilterOp> op = LookupOp(op_name);
  if (!op) {
    return BadTerm(term, Cat("unknown operator '", op_name, "', expected one of ", KnownOpNames()));
  }

  const std::string_view inside = term.substr(open + 1, term.size() - open - 2);
  const size_t comma = inside.find(',');
  if (comma == std::string_view::npos) return BadTerm(term, "missing ',' between field and value");
  const std::string_view field = inside.substr(0, comma);
  if (field.empty()) return BadTerm(term, "empty field");
  for (char c : field) {
    if (!IsFieldChar(c)) return BadTerm(term, Cat("invalid field name '", field, "'"));
  }
  std::string_view value = inside.substr(comma + 1);
  // flyteadmin's regex allows one whitespace after the comma: "eq(name, foo)".
  if (!value.empty() && IsSpace(value.front())) value.remove_prefix(1);
  if (value.empty()) return BadTerm(term, "empty value");

  Filter filter;
  filter.op = *op;
  SplitEntityPrefix(field, filter);
  // flyteadmin splits every value on ';'; for a single-value operator the list then fails in the
  // database, so say so here instead.
  filter.values = SplitOn(value, kValueSeparator);
  if (!TakesValueList(*op) && filter.values.size() > 1) {
    return BadTerm(
        term, Cat("'", op_name, "' takes one value, got ", std::to_string(filter.values.size()), " separated by ';'"));
  }
  return filter;
}

// The name a client wrote, with its prefix: the key into a ColumnMap.
std::string ColumnKey(const Filter& filter) {
  return filter.entity.empty() ? filter.field : Cat(filter.entity, ".", filter.field);
}

// ---- values -------------------------------------------------------------------------------

Status BadValue(const Filter& filter, std::string_view value, std::string_view expected) {
  return absl::InvalidArgumentError(Cat("invalid filter '", FormatFilter(filter), "': value '", value, "' for field '",
                                        ColumnKey(filter), "' is not ", expected));
}

std::optional<int64_t> ParseEnum(const Column& column, std::string_view text) {
  if (auto it = column.enum_values.find(text); it != column.enum_values.end()) return it->second;
  if (std::optional<int64_t> number = ParseInteger(text)) {
    for (const auto& [name, value] : column.enum_values) {
      if (value == *number) return value;
    }
  }
  return std::nullopt;
}

std::string EnumNames(const Column& column) {
  std::vector<std::string_view> names;
  for (const auto& [name, value] : column.enum_values) names.push_back(name);
  return Cat("one of ", Join(names, ", "));
}

StatusOr<store::Value> ConvertValue(const Filter& filter, const Column& column, const std::string& value) {
  switch (column.kind) {
    case ColumnKind::kText:
      return store::Value(value);
    case ColumnKind::kInteger:
      if (std::optional<int64_t> number = ParseInteger(value)) return store::Value(*number);
      return BadValue(filter, value, "an integer");
    case ColumnKind::kTimestamp:
      if (std::optional<int64_t> millis = ParseTimestampMillis(value)) return store::Value(*millis);
      return BadValue(filter, value, "an RFC3339 timestamp like 2024-01-01T00:00:00Z");
    case ColumnKind::kDuration:
      if (std::optional<int64_t> millis = ParseDurationMillis(value)) return store::Value(*millis);
      return BadValue(filter, value, "a duration in seconds (\"90\", \"1.5\") or like \"1m30s\"");
    case ColumnKind::kEnum:
      if (std::optional<int64_t> number = ParseEnum(column, value)) return store::Value(*number);
      return BadValue(filter, value, EnumNames(column));
  }
  return absl::InternalError("unhandled column kind");
}

// ---- predicates ---------------------------------------------------------------------------

std::string KnownKeys(const ColumnMap& columns) {
  std::vector<std::string_view> keys;
  for (const auto& [key, column] : columns) keys.push_back(key);
  return Join(keys, ", ");
}

StatusOr<const Column*> FindColumn(const Filter& filter, const ColumnMap& columns) {
  const std::string key = ColumnKey(filter);
  if (auto it = columns.find(key); it != columns.end()) return &it->second;
  return absl::InvalidArgumentError(Cat("invalid filter '", FormatFilter(filter), "': unknown field '", key,
                                        "', expected one of ", KnownKeys(columns)));
}

Status CheckShape(const Filter& filter, const Column& column) {
  const bool pattern = filter.op == FilterOp::kContains || filter.op == FilterOp::kNotLike;
  if (pattern && column.kind != ColumnKind::kText) {
    return absl::InvalidArgumentError(
        Cat("invalid filter '", FormatFilter(filter), "': '", FilterOpName(filter.op), "' needs a text field"));
  }
  if (!TakesValueList(filter.op) && filter.values.size() != 1) {
    return absl::InvalidArgumentError(
        Cat("invalid filter '", FormatFilter(filter), "': '", FilterOpName(filter.op), "' takes exactly one value"));
  }
  return absl::OkStatus();
}

// Text for contains/not_like goes to the store as written: the pattern is the store's business.
StatusOr<store::Predicate> ToPredicate(const Filter& filter, const Column& column) {
  RETURN_IF_ERROR(CheckShape(filter, column));
  store::Predicate predicate{column.store_column, filter.op, {}};
  for (const std::string& value : filter.values) {
    if (filter.op == FilterOp::kContains || filter.op == FilterOp::kNotLike) {
      predicate.values.emplace_back(value);
    } else {
      ASSIGN_OR_RETURN(store::Value converted, ConvertValue(filter, column, value));
      predicate.values.push_back(std::move(converted));
    }
  }
  return predicate;
}

Column MakeColumn(store::Column store_column, ColumnKind kind) {
  Column column;
  column.store_column = store_column;
  column.kind = kind;
  return column;
}

}  // namespace

std::string_view FilterOpName(FilterOp op) {
  for (const OpSpelling& spelling : kOps) {
    if (spelling.op == op) return spelling.name;
  }
  return "?";
}

bool TakesValueList(FilterOp op) { return op == FilterOp::kValueIn || op == FilterOp::kValueNotIn; }

std::string FormatFilter(const Filter& filter) {
  return Cat(FilterOpName(filter.op), "(", ColumnKey(filter), ",", Join(filter.values, std::string(1, kValueSeparator)),
             ")");
}

StatusOr<std::vector<Filter>> ParseFilters(std::string_view expression) {
  std::vector<Filter> filters;
  if (expression.empty()) return filters;
  for (std::string_view term : SplitTerms(expression)) {
    ASSIGN_OR_RETURN(Filter filter, ParseTerm(term));
    filters.push_back(std::move(filter));
  }
  return filters;
}

Column TextColumn(store::Column store_column) { return MakeColumn(store_column, ColumnKind::kText); }
Column TextSetColumn(store::Column store_column) {
  Column column = MakeColumn(store_column, ColumnKind::kText);
  column.sortable = false;
  return column;
}
Column IntegerColumn(store::Column store_column) { return MakeColumn(store_column, ColumnKind::kInteger); }
Column TimestampColumn(store::Column store_column) { return MakeColumn(store_column, ColumnKind::kTimestamp); }
Column DurationColumn(store::Column store_column) { return MakeColumn(store_column, ColumnKind::kDuration); }

Column EnumColumn(store::Column store_column, std::map<std::string, int64_t, std::less<>> values) {
  Column column = MakeColumn(store_column, ColumnKind::kEnum);
  column.enum_values = std::move(values);
  return column;
}

ColumnMap WithEntityPrefix(std::string_view entity, ColumnMap columns) {
  ColumnMap prefixed;
  for (const auto& [key, column] : columns) {
    if (key.find('.') == std::string::npos) prefixed.emplace(Cat(entity, ".", key), column);
  }
  // Explicit entries win over generated ones.
  columns.merge(prefixed);
  return columns;
}

StatusOr<std::vector<store::Predicate>> ToPredicates(const std::vector<Filter>& filters, const ColumnMap& columns) {
  std::vector<store::Predicate> predicates;
  for (const Filter& filter : filters) {
    ASSIGN_OR_RETURN(const Column* column, FindColumn(filter, columns));
    ASSIGN_OR_RETURN(store::Predicate predicate, ToPredicate(filter, *column));
    predicates.push_back(std::move(predicate));
  }
  return predicates;
}

StatusOr<store::SortKey> SortKeyOf(std::string_view key, bool ascending, const ColumnMap& columns) {
  auto it = columns.find(key);
  if (it == columns.end()) {
    return absl::InvalidArgumentError(Cat("invalid sort key '", key, "', expected one of ", KnownKeys(columns)));
  }
  if (!it->second.sortable) {
    return absl::InvalidArgumentError(Cat("invalid sort key '", key, "': it filters, it does not sort"));
  }
  return store::SortKey{it->second.store_column,
                        ascending ? store::Direction::kAscending : store::Direction::kDescending};
}

StatusOr<int64_t> ParseToken(std::string_view token) {
  if (token.empty()) return 0;
  std::optional<int64_t> offset = ParseInteger(token);
  if (!offset || *offset < 0) {
    return absl::InvalidArgumentError(
        Cat("invalid pagination token '", token, "': expected a non-negative decimal offset"));
  }
  return *offset;
}

std::string NextToken(int64_t offset, int64_t limit, int64_t returned) {
  if (limit <= 0 || returned < limit) return "";
  return std::to_string(offset + returned);
}

}  // namespace flyte::admin

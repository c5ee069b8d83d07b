// docs/SCHEMA.md is the tables' manual: its column lists must match the
// extension's tables, and every example query in it must run and return rows.
#include <regex>

#include "test_util.h"

using pprof_test::Db;

namespace {

struct Section {
  std::string table;
  std::vector<std::string> columns;
  std::vector<std::string> examples;
};

std::vector<Section> ParseSchemaDoc() {
  std::vector<Section> sections;
  std::istringstream in(pprof_test::ReadAll(pprof_test::SourceDir() + "/docs/SCHEMA.md"));
  std::string line, sql;
  bool in_sql = false;
  const std::regex heading("^## (pprof_\\w+)$"), column("^\\| (\\w+) \\| (INTEGER|TEXT|REAL) \\|");
  std::smatch m;
  while (std::getline(in, line)) {
    if (in_sql) {
      if (line == "```") {
        if (!sections.empty()) sections.back().examples.push_back(sql);
        in_sql = false;
      } else {
        sql += line + "\n";
      }
    } else if (line == "```sql") {
      in_sql = true;
      sql.clear();
    } else if (std::regex_match(line, m, heading)) {
      sections.push_back({m[1], {}, {}});
    } else if (!sections.empty() && std::regex_search(line, m, column)) {
      sections.back().columns.push_back(m[1]);
    }
  }
  return sections;
}

TEST(SchemaDoc, ColumnsMatchTheTables) {
  std::vector<Section> sections = ParseSchemaDoc();
  Db db;
  auto tables = db.Query("SELECT name FROM pragma_module_list WHERE name LIKE 'pprof%' ORDER BY name");
  ASSERT_EQ(sections.size(), tables.size()) << "every table has a section in docs/SCHEMA.md";
  for (const Section& s : sections) {
    std::vector<std::string> actual;
    for (const auto& row : db.Query("SELECT name FROM pragma_table_info('" + s.table + "')")) actual.push_back(row[0]);
    EXPECT_EQ(s.columns, actual) << s.table;
  }
}

TEST(SchemaDoc, ExamplesRunAndReturnRows) {
  Db db;
  const std::string samples = pprof_test::SourceDir() + "/samples/";
  db.Query("SELECT pprof_load('" + samples + "go1.heap.pb.gz'), pprof_load('" + samples + "go1.cpu.pb.gz')");
  int count = 0;
  for (const Section& s : ParseSchemaDoc()) {
    EXPECT_FALSE(s.examples.empty()) << s.table << " has no example";
    for (const std::string& sql : s.examples) {
      pprof_test::Rows rows;
      EXPECT_EQ(db.Try(sql, &rows), "") << sql;
      EXPECT_FALSE(rows.empty()) << "no rows: " << sql;
      count++;
    }
  }
  EXPECT_GE(count, 10);
}

}  // namespace
